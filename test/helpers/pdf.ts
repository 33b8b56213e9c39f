// Reads a PDF back the way a court's viewer would, in pure npm: pdf.js for the text and
// for rendering a page (onto @napi-rs/canvas), jsQR to decode a QR code from the pixels.
import { createCanvas } from '@napi-rs/canvas'
import jsQRModule from 'jsqr'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js'

async function open(pdf: Uint8Array) {
  // pdf.js may transfer the buffer it is given: hand it a copy.
  return getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false }).promise
}

/** Text of every page, one string per page, items joined in content-stream order. */
export async function pdfText(pdf: Uint8Array): Promise<string[]> {
  const doc = await open(pdf)
  try {
    const pages: string[] = []
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent()
      pages.push(content.items.map((it) => ('str' in it ? (it as TextItem).str + (it.hasEOL ? '\n' : '') : '')).join('\n'))
    }
    return pages
  } finally {
    await doc.destroy()
  }
}

/** A page as PNG bytes plus its RGBA pixels, at `scale` × 72 dpi. */
export async function renderPage(pdf: Uint8Array, pageNumber = 1, scale = 2): Promise<{ png: Uint8Array; width: number; height: number; rgba: Uint8ClampedArray; pages: number }> {
  const doc = await open(pdf)
  try {
    const page = await doc.getPage(pageNumber)
    const viewport = page.getViewport({ scale })
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height))
    const ctx = canvas.getContext('2d')
    ctx.fillStyle = '#ffffff'
    ctx.fillRect(0, 0, canvas.width, canvas.height)
    // pdf.js draws on any object with the CanvasRenderingContext2D API; @napi-rs/canvas's is one.
    await page.render({ canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }).promise
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height)
    return { png: new Uint8Array(canvas.toBuffer('image/png')), width: canvas.width, height: canvas.height, rgba: image.data, pages: doc.numPages }
  } finally {
    await doc.destroy()
  }
}

// jsqr is a UMD bundle whose module.exports is the function, while its types declare an ES
// default export: under NodeNext the types and the runtime disagree, so take whichever is callable.
type JsQr = typeof jsQRModule.default
const jsQR: JsQr = typeof jsQRModule === 'function' ? (jsQRModule as unknown as JsQr) : jsQRModule.default

export function decodeQr(rgba: Uint8ClampedArray, width: number, height: number): string | null {
  return jsQR(rgba, width, height)?.data ?? null
}
