// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but they are
// still exported, allocation-free and fast; ArchiveInput's streaming hasher uses them.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
