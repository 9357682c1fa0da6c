#include "image_codecs.h"
int exposure_codecs_version(void) { return 1; }
