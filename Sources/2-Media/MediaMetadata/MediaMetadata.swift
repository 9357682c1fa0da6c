// MediaMetadata: decoding images and reading what media files say about themselves.
//
// Entry points (each a small parser behind one interface, chosen by magic bytes):
//   MediaInspector.inspect(data, filename:)   the scan's per-file call: kind, EmbeddedMetadata,
//                                             unreadable reason; no full pixel decode
//   ImageDecoder.decode(data, maxPixels:, scaleDenominator:)   upright 8-bit RGB for the faces
//   MediaSniffer       JPEG/PNG/GIF/WebP/HEIC/AVIF/TIFF/BMP/MP4/MOV by magic bytes, name fallback
//   ExifReader         whitelisted EXIF via libexif (MakerNotes blanked first, see ExifReader.swift)
//   XMPReader          MWG face regions and IPTC PersonInImage (own tolerant XML scanner)
//   VideoMetadataReader  MP4/MOV location and capture time from the box structure
//   ImageEncoder, ExifWriter, XMPWriter   fixtures for tests and the demo archive generator
//
// Decisions a caller should know:
//   - Pixel cap (default 100 Mpx) is checked on the header's declared size before any pixel
//     buffer exists, in the C shim (CImageCodecs), which owns every setjmp/longjmp.
//   - A truncated JPEG/PNG is an error (`.truncated`), not a grey-filled partial picture.
//     JPEG corrupt-data warnings are tolerated up to 100 per file; more than 200 scans is
//     refused (`.tooManyScans`).
//   - Alpha is dropped, not composited. CMYK/YCCK JPEGs are converted (Adobe inversion
//     honoured). EXIF orientation is applied to JPEG and PNG; HEIF comes out of libheif
//     already turned by its irot/imir boxes; WebP is left as stored.
//   - The stale-thumbnail flag compares 16x16 grayscale versions (mean absolute difference
//     > 12 of 255, see MediaInspector.thumbnailDifferenceThreshold).
//   - Metadata-only inspection does not notice a truncated entropy stream unless the file
//     has an EXIF thumbnail (whose check decodes the main picture at 1/8 scale).
