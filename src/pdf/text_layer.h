#pragma once
// A searchable PDF page's content: the page image drawn full-page and, over it, the words of
// the record's layout tree as invisible text, each placed on its box along its baseline. Pure
// text: the operators only, no PDF library, so it is unit-tested as it is.

#include <optional>
#include <string>
#include <string_view>

#include "record/record.h"

namespace ocrbatch::pdf {

// The resolution assumed for a page whose file gives none.
constexpr int kAssumedDpi = 300;

// Every glyph of the text layer's font advances half its size (tesseract's GlyphLessFont:
// one empty glyph, /DW 500), so a word's width in the PDF is set by its horizontal scaling.
constexpr double kGlyphAdvance = 0.5;

struct PageGeometry {
  double width_pt = 0, height_pt = 0;
  double pt_per_px = 0;  // 72 / dpi
};
PageGeometry page_geometry(int width_px, int height_px, int dpi);

// Where one word goes, in PDF points: its text matrix (x axis along the baseline, origin at
// the bottom-left corner of the word's box as the text runs), font size and horizontal
// scaling (percent), and its text as the font's two-byte codes in hex.
struct WordPlacement {
  double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
  double size = 0;
  double scaling = 100;
  std::string codes;
};

// `line_baseline` stands in when the word has none; with neither, the text runs left to right.
// Nothing for a word without text or without area.
std::optional<WordPlacement> place_word(const record::Word& word,
                                        const record::Baseline& line_baseline,
                                        const PageGeometry& page);

// UTF-16BE code units in hex, as the text layer's codes (the font's ToUnicode maps each code
// to itself). Characters outside the Basic Multilingual Plane become U+FFFD: a two-byte code
// holds one UTF-16 unit, and a lone surrogate is no character.
std::string utf16_hex(std::string_view utf8);

// The page's content stream. `image` names the page's image XObject (empty: no image), `font`
// the text layer's font resource.
std::string page_content(const record::PageResult& page, const PageGeometry& geometry,
                         std::string_view image, std::string_view font);

// The ToUnicode CMap for those codes: each two-byte code is the UTF-16 unit it shows.
std::string identity_to_unicode_cmap();

}  // namespace ocrbatch::pdf
