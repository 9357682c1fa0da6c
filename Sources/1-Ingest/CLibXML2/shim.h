// libxml2's HTML parser (Debian libxml2-dev), used only by the HTMLDocument module.
// Debian builds libxml2 with ICU, and its encoding.h then includes the system ICU headers, which
// clash with the ICU copy inside Swift's Foundation. Exposure never touches the encoding handler
// struct (the only declaration ICU changes), so the ICU part of the headers is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
