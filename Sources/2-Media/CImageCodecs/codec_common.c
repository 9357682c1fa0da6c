// CImageCodecs: what belongs to no single codec. expo_free releases every buffer any codec
// file returns (pixels, encoded bytes, HEIF metadata copies), so Swift never has to know
// which allocator a codec used.
#include "image_codecs.h"

#include <stdlib.h>

void expo_free(void *pointer) { free(pointer); }
