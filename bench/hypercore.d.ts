// The few hypercore@11 calls the bench makes (the package ships no types).
declare module 'hypercore' {
  export default class Hypercore {
    constructor(storage: string)
    ready(): Promise<void>
    append(block: Uint8Array | Uint8Array[]): Promise<{ length: number }>
    close(): Promise<void>
  }
}
