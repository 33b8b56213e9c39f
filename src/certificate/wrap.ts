// Line breaking for the certificate's table cells. Hashes, URLs and USCCs are long unbroken
// ASCII runs and Chinese has no spaces, so lines break between words, between hanzi, and
// inside a run only when the run alone is wider than the cell.

export interface Measure { (text: string): number }

// An ASCII word, one whitespace, or one other character (a hanzi or a punctuation mark).
const TOKEN = /[\x21-\x7e]+|\s|[^\x21-\x7e\s]/gu

export function wrapText(text: string, width: number, measure: Measure): string[] {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const token of paragraph.match(TOKEN) ?? []) {
      if (measure(line + token) <= width) {
        line += token
        continue
      }
      if (/^\s$/.test(token)) { // a space at a break is dropped, not carried to the next line
        lines.push(line)
        line = ''
        continue
      }
      if (line.trim() !== '') lines.push(line.trimEnd())
      line = ''
      for (const ch of token.length > 1 && measure(token) > width ? [...token] : [token]) {
        if (line !== '' && measure(line + ch) > width) {
          lines.push(line)
          line = ''
        }
        line += ch
      }
    }
    lines.push(line.trimEnd())
  }
  return lines
}
