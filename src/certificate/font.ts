// The CJK font of the certificate: Noto Sans SC (SIL OFL 1.1) from the npm package
// @expo-google-fonts/noto-sans-sc, so the PDF looks the same wherever it is generated.
// Only the characters a certificate uses are embedded. They are cut out with HarfBuzz's
// subsetter (subset-font): pdf-lib's own fontkit subsetting drops glyphs of this font
// (most digits and many hanzi rendered blank in poppler and pdf.js when we tried it).
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import subsetFont from 'subset-font'

const require = createRequire(import.meta.url)

export const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const
export type Weight = keyof typeof FONT_FILES

// ~10 MB each: read once per process, not per certificate.
// Kept as Buffers: subset-font's format sniffing (fontverter) and fontkit both call
// Buffer#toString on the font, which a plain Uint8Array answers with its digits.
const full = new Map<Weight, Promise<Buffer>>()

function fullFont(weight: Weight): Promise<Buffer> {
  let p = full.get(weight)
  if (!p) {
    p = readFile(require.resolve(FONT_FILES[weight]))
    p.catch(() => full.delete(weight)) // a failed read is retried next time
    full.set(weight, p)
  }
  return p
}

/** Printable ASCII is always kept, so page numbers and hex never depend on the text scan. */
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')

/**
 * OpenType layout goes: with it, fontkit formed "fi"/"ff" ligatures inside hashes (so a
 * copied hash was wrong) and spaced Latin-led runs of digits apart. A certificate needs one
 * glyph per character, which cmap + hmtx alone give. Vertical metrics and hinting are
 * unused in a PDF and only add bytes.
 */
const DROP_TABLES = ['GSUB', 'GPOS', 'GDEF', 'BASE', 'STAT', 'vhea', 'vmtx', 'gasp', 'prep', 'fpgm', 'cvt ']

/** A TrueType font holding just the glyphs of `text` (plus ASCII). */
export async function subsetFor(weight: Weight, text: string): Promise<Buffer> {
  const chars = [...new Set(ASCII + text)].join('')
  return subsetFont(await fullFont(weight), chars, { targetFormat: 'sfnt', dropTables: DROP_TABLES })
}
