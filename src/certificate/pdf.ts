// Renders a 存证证明 as an A4 PDF: title, certificate number and issue time, the QR code in
// the top-right corner, a banner for a revoked/expired/erased record, the fields as
// two-column tables, and on every page a footer with the issuer, the time source and the page.
import fontkit from '@pdf-lib/fontkit'
import { sha256 } from '@noble/hashes/sha2.js'
import { PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage, type RGB } from 'pdf-lib'
import QRCode from 'qrcode'
import type { CertificateFields } from './fields.ts'
import { subsetFor, type Weight } from './font.ts'
import { assertCertifiable } from './refusal.ts'
import { certificateSheet, type Banner, type Block, type Row, type Sheet } from './sheet.ts'
import { wrapText } from './wrap.ts'

const A4 = { width: 595.28, height: 841.89 }
const MARGIN = { x: 48, top: 48, bottom: 40 }
const CONTENT_WIDTH = A4.width - 2 * MARGIN.x
const QR_SIZE = 96
const LABEL_WIDTH = 128
const PAD = 5
const BODY = { size: 9, leading: 13 }
const FOOTER = { size: 7.5, leading: 10.5 }

const INK = rgb(0.1, 0.1, 0.12)
const MUTED = rgb(0.42, 0.44, 0.48)
const NAVY = rgb(0.12, 0.23, 0.37)
const ALERT = rgb(0.75, 0.1, 0.1)
const RULE = rgb(0.78, 0.8, 0.83)
const LABEL_BG = rgb(0.95, 0.96, 0.97)
const ALERT_BG = rgb(1, 0.94, 0.94)

type Fonts = Record<Weight, PDFFont>

/**
 * Throws CertificateRefusedError when the fields do not carry a passed verification: the
 * fields are plain data, so the renderer checks again rather than trusting its caller.
 */
export async function renderCertificatePdf(fields: CertificateFields): Promise<Uint8Array> {
  assertCertifiable(fields.verification.steps)
  const sheet = certificateSheet(fields)
  const doc = await PDFDocument.create({ updateMetadata: false })
  doc.registerFontkit(fontkit)
  setMetadata(doc, fields)
  // Each weight embeds exactly the characters drawn in it (plus ASCII, see font.ts).
  const [regularFont, boldFont] = await Promise.all([subsetFor('regular', regularText(sheet)), subsetFor('bold', boldText(sheet))])
  const regular = await doc.embedFont(regularFont, { subset: false, customName: subsetName('NotoSansSC-Regular', regularFont) })
  const bold = await doc.embedFont(boldFont, { subset: false, customName: subsetName('NotoSansSC-Bold', boldFont) })
  const qr = await doc.embedPng(await QRCode.toBuffer(fields.qrPayload, { errorCorrectionLevel: 'M', margin: 2, scale: 8 }))
  const pen = new Pen(doc, { regular, bold }, footerHeight(sheet, regular))
  drawHeader(pen, sheet, qr)
  if (sheet.banner) drawBanner(pen, sheet.banner)
  for (const block of sheet.blocks) drawBlock(pen, block)
  drawFooters(doc, sheet, fields.number, regular)
  // Fixed dates and no random ids: the same fields give the same bytes.
  return doc.save({ useObjectStreams: true })
}

/**
 * PDF's name for a subset font: a six-letter tag, "+", the font name (ISO 32000-1 9.6.4).
 * The tag comes from the subset's bytes, not pdf-lib's random suffix, so output is repeatable.
 */
function subsetName(name: string, font: Uint8Array): string {
  const tag = [...sha256(font).subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('')
  return `${tag}+${name}`
}

function setMetadata(doc: PDFDocument, f: CertificateFields): void {
  const issued = new Date(f.issuedAtIso)
  doc.setTitle(`存证证明 ${f.number}`)
  doc.setSubject(`${f.kindName} ${f.businessId} · 叶哈希 ${f.leafHash}`)
  doc.setAuthor(f.issuer.operator)
  doc.setCreator('evidence-ledger')
  doc.setProducer('evidence-ledger (pdf-lib)')
  doc.setKeywords([f.number, f.leafHash])
  doc.setLanguage('zh-CN')
  doc.setCreationDate(issued)
  doc.setModificationDate(issued)
}

/** Everything drawn in the regular weight. */
function regularText(s: Sheet): string {
  const rows = [...s.meta, ...s.blocks.flatMap((b) => (b.type === 'rows' ? b.rows : []))]
  return [
    s.subtitle, ...rows.map((r) => r.value), ...s.footer, s.banner?.text ?? '', '扫码核验 第页共证明编号·',
    ...s.blocks.flatMap((b) => (b.type === 'table' ? b.rows.flat() : b.type === 'steps' ? b.items.flatMap((i) => [i.text, i.code ?? '']) : [])),
  ].join('')
}

/** Everything drawn in bold: titles, labels, the banner, values flagged as alerts. */
function boldText(s: Sheet): string {
  const rows = [...s.meta, ...s.blocks.flatMap((b) => (b.type === 'rows' ? b.rows : []))]
  return [
    s.title, s.banner?.title ?? '', ...rows.map((r) => r.label), ...rows.filter((r) => r.alert).map((r) => r.value),
    ...s.blocks.flatMap((b) => [b.title, ...(b.type === 'table' ? b.columns : [])]),
  ].join('')
}

/** Draws top-down on as many pages as the content needs; y is the baseline-free top of free space. */
class Pen {
  page: PDFPage
  y = 0
  readonly fonts: Fonts
  private readonly doc: PDFDocument
  private readonly bottomReserve: number

  constructor(doc: PDFDocument, fonts: Fonts, bottomReserve: number) {
    this.doc = doc
    this.fonts = fonts
    this.bottomReserve = bottomReserve
    this.page = this.newPage()
  }

  newPage(): PDFPage {
    this.page = this.doc.addPage([A4.width, A4.height])
    this.y = A4.height - MARGIN.top
    return this.page
  }

  get bottom(): number {
    return MARGIN.bottom + this.bottomReserve
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (this.y - height < this.bottom) this.newPage()
  }

  lines(text: string, width: number, font: PDFFont, size: number): string[] {
    return wrapText(text, width, (t) => font.widthOfTextAtSize(t, size))
  }

  /** Draws lines with their first line's top at `top`. */
  text(lines: readonly string[], x: number, top: number, o: { font: PDFFont; size: number; leading: number; color: RGB }): void {
    lines.forEach((line, i) => {
      if (line === '') return
      // The baseline sits ~0.8 of the size below the top of a line box for Noto Sans SC.
      this.page.drawText(line, { x, y: top - i * o.leading - o.size * 0.95, size: o.size, font: o.font, color: o.color })
    })
  }
}

function drawHeader(pen: Pen, sheet: Sheet, qr: PDFImage): void {
  const { bold, regular } = pen.fonts
  const top = pen.y
  const titleSize = 26
  const titleWidth = bold.widthOfTextAtSize(sheet.title, titleSize)
  pen.text([sheet.title], (A4.width - titleWidth) / 2, top, { font: bold, size: titleSize, leading: titleSize, color: NAVY })
  const sub = regular.widthOfTextAtSize(sheet.subtitle, 10)
  pen.text([sheet.subtitle], (A4.width - sub) / 2, top - 34, { font: regular, size: 10, leading: 12, color: MUTED })
  // QR in the top-right corner, captioned; the meta lines sit left of it.
  const qrX = A4.width - MARGIN.x - QR_SIZE
  pen.page.drawImage(qr, { x: qrX, y: top - QR_SIZE, width: QR_SIZE, height: QR_SIZE })
  const caption = '扫码核验'
  pen.text([caption], qrX + (QR_SIZE - regular.widthOfTextAtSize(caption, 8)) / 2, top - QR_SIZE - 2, { font: regular, size: 8, leading: 10, color: MUTED })
  let y = top - 62
  for (const row of sheet.meta) {
    pen.text([row.label], MARGIN.x, y, { font: bold, size: 10, leading: 14, color: INK })
    pen.text([row.value], MARGIN.x + 62, y, { font: regular, size: 10, leading: 14, color: INK })
    y -= 16
  }
  pen.y = Math.min(y, top - QR_SIZE - 14) - 6
  pen.page.drawLine({ start: { x: MARGIN.x, y: pen.y }, end: { x: A4.width - MARGIN.x, y: pen.y }, thickness: 1.5, color: NAVY })
  pen.y -= 14
}

function drawBanner(pen: Pen, banner: Banner): void {
  const { bold, regular } = pen.fonts
  const lines = pen.lines(banner.text, CONTENT_WIDTH - 2 * 12, regular, 11)
  const height = 12 + 22 + lines.length * 15 + 10
  pen.ensure(height + 12)
  pen.page.drawRectangle({ x: MARGIN.x, y: pen.y - height, width: CONTENT_WIDTH, height, color: ALERT_BG, borderColor: ALERT, borderWidth: 1.5 })
  pen.text([banner.title], MARGIN.x + 12, pen.y - 10, { font: bold, size: 18, leading: 22, color: ALERT })
  pen.text(lines, MARGIN.x + 12, pen.y - 10 - 26, { font: regular, size: 11, leading: 15, color: ALERT })
  pen.y -= height + 14
}

function drawBlock(pen: Pen, block: Block): void {
  const titleHeight = 20
  const first = firstRowHeight(pen, block)
  pen.ensure(titleHeight + first) // a section title never ends a page alone
  pen.text([block.title], MARGIN.x, pen.y, { font: pen.fonts.bold, size: 11, leading: 14, color: NAVY })
  pen.y -= titleHeight
  if (block.type === 'rows') block.rows.forEach((r) => drawRow(pen, r))
  else if (block.type === 'table') drawTable(pen, block.columns, block.rows)
  else drawSteps(pen, block.items)
  pen.y -= 12
}

function firstRowHeight(pen: Pen, block: Block): number {
  if (block.type === 'rows') return block.rows.length === 0 ? 0 : rowLayout(pen, block.rows[0]).height
  if (block.type === 'table') return 2 * (BODY.leading + 2 * PAD)
  return BODY.leading * 2
}

function rowLayout(pen: Pen, row: Row): { label: string[]; value: string[]; height: number } {
  const { bold, regular } = pen.fonts
  const label = pen.lines(row.label, LABEL_WIDTH - 2 * PAD, bold, BODY.size)
  const value = pen.lines(row.value, CONTENT_WIDTH - LABEL_WIDTH - 2 * PAD, row.alert ? bold : regular, BODY.size)
  return { label, value, height: Math.max(label.length, value.length) * BODY.leading + 2 * PAD }
}

function drawRow(pen: Pen, row: Row): void {
  const { bold, regular } = pen.fonts
  const layout = rowLayout(pen, row)
  pen.ensure(layout.height)
  const y = pen.y - layout.height
  pen.page.drawRectangle({ x: MARGIN.x, y, width: LABEL_WIDTH, height: layout.height, color: LABEL_BG, borderColor: RULE, borderWidth: 0.5 })
  pen.page.drawRectangle({ x: MARGIN.x + LABEL_WIDTH, y, width: CONTENT_WIDTH - LABEL_WIDTH, height: layout.height, color: row.alert ? ALERT_BG : undefined, borderColor: RULE, borderWidth: 0.5 })
  pen.text(layout.label, MARGIN.x + PAD, pen.y - PAD, { font: bold, size: BODY.size, leading: BODY.leading, color: INK })
  pen.text(layout.value, MARGIN.x + LABEL_WIDTH + PAD, pen.y - PAD, { font: row.alert ? bold : regular, size: BODY.size, leading: BODY.leading, color: row.alert ? ALERT : INK })
  pen.y = y
}

/** Column widths for name | size | SHA-256: the hash gets what is left, at least one line's worth when it can. */
function tableWidths(): number[] {
  const size = 78
  const name = 140
  return [name, size, CONTENT_WIDTH - name - size]
}

function drawTable(pen: Pen, columns: readonly string[], rows: readonly string[][]): void {
  const widths = tableWidths()
  const cells = (values: readonly string[], font: PDFFont) => values.map((v, i) => pen.lines(v, widths[i] - 2 * PAD, font, BODY.size))
  const drawCells = (lines: string[][], font: PDFFont, fill: RGB | undefined) => {
    const height = Math.max(...lines.map((l) => l.length)) * BODY.leading + 2 * PAD
    pen.ensure(height)
    let x = MARGIN.x
    lines.forEach((l, i) => {
      pen.page.drawRectangle({ x, y: pen.y - height, width: widths[i], height, color: fill, borderColor: RULE, borderWidth: 0.5 })
      pen.text(l, x + PAD, pen.y - PAD, { font, size: BODY.size, leading: BODY.leading, color: INK })
      x += widths[i]
    })
    pen.y -= height
  }
  drawCells(cells(columns, pen.fonts.bold), pen.fonts.bold, LABEL_BG)
  for (const row of rows) drawCells(cells(row, pen.fonts.regular), pen.fonts.regular, undefined)
}

/** Numbered steps; a command or address goes on its own shaded line, so it is copied whole. */
function drawSteps(pen: Pen, items: readonly { text: string; code: string | null }[]): void {
  const { regular } = pen.fonts
  const style = { font: regular, size: BODY.size, leading: BODY.leading, color: INK }
  for (const item of items) {
    const lines = pen.lines(item.text, CONTENT_WIDTH, regular, BODY.size)
    const code = item.code === null ? [] : pen.lines(item.code, CONTENT_WIDTH - 12 - 2 * PAD, regular, BODY.size)
    const codeHeight = code.length === 0 ? 0 : code.length * BODY.leading + 2 * 3 + 3
    pen.ensure(lines.length * BODY.leading + codeHeight)
    pen.text(lines, MARGIN.x, pen.y, style)
    pen.y -= lines.length * BODY.leading + 3
    if (code.length > 0) {
      const h = code.length * BODY.leading + 2 * 3
      pen.page.drawRectangle({ x: MARGIN.x + 12, y: pen.y - h, width: CONTENT_WIDTH - 12, height: h, color: LABEL_BG })
      pen.text(code, MARGIN.x + 12 + PAD, pen.y - 3, { ...style, color: NAVY })
      pen.y -= h + 3
    }
    pen.y -= 4
  }
}

function footerLines(sheet: Sheet, font: PDFFont): string[] {
  return sheet.footer.flatMap((t) => wrapText(t, CONTENT_WIDTH, (x) => font.widthOfTextAtSize(x, FOOTER.size)))
}

function footerHeight(sheet: Sheet, font: PDFFont): number {
  return (footerLines(sheet, font).length + 1) * FOOTER.leading + 12
}

function drawFooters(doc: PDFDocument, sheet: Sheet, number: string, font: PDFFont): void {
  const lines = footerLines(sheet, font)
  const pages = doc.getPages()
  pages.forEach((page, i) => {
    const top = MARGIN.bottom + (lines.length + 1) * FOOTER.leading + 4
    page.drawLine({ start: { x: MARGIN.x, y: top + 4 }, end: { x: A4.width - MARGIN.x, y: top + 4 }, thickness: 0.5, color: RULE })
    const pageLine = `证明编号 ${number} · 第 ${i + 1} 页 共 ${pages.length} 页`
    ;[...lines, pageLine].forEach((line, j) => {
      page.drawText(line, { x: MARGIN.x, y: top - (j + 1) * FOOTER.leading + 2, size: FOOTER.size, font, color: MUTED })
    })
  })
}
