#pragma once
// Text made safe for the XML formats (hOCR, ALTO): whatever bytes a record holds, the document
// stays well-formed and keeps the text as close as XML allows.

#include <string>
#include <string_view>

namespace ocrbatch::output {

// `text` as XML character data, fit for an element's content or a quoted attribute value:
// ill-formed UTF-8 and characters XML 1.0 forbids (C0 controls other than tab, LF and CR;
// U+FFFE, U+FFFF) become U+FFFD; & < > " ' become references (&#39; for ', as HTML 4 has no
// &apos;); tab, LF and CR become character references, so an attribute keeps them instead of
// having them normalised to spaces.
std::string xml_escape(std::string_view text);

// A page's language for a `lang` attribute: `languages` ("eng", "eng+deu") when it names one
// language, else empty, since the record does not say which of several a text is in.
std::string single_language(std::string_view languages);

// `value` rounded to `places` decimals, without trailing zeros or a lone "-0": "0.015", "-9".
std::string decimal(double value, int places);

}  // namespace ocrbatch::output
