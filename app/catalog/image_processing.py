"""Turning an uploaded file into the image files the shop serves, or refusing it.

Only the decoded pixels of an upload ever reach the disk: the file is decoded by Pillow (JPEG, PNG, WebP
or GIF only, whatever its name or content type says), turned upright from its EXIF orientation, and
re-encoded as WebP at each width the pages use. Metadata (EXIF, GPS, comments, ICC text) and anything
hidden in or after the image data (a script in a GIF/JS polyglot, HTML after a JPEG's end) are not
pixels, so nothing of them survives. No Flask here: the limits are arguments.

Limits, all checked before anything is written:
- the size of the file (read at most max_bytes + 1 bytes, so a huge upload is not held in memory);
- the pixel count, from the header alone, before decoding: a decompression bomb (a small file that
  decodes to gigabytes) is refused without being decoded. Pillow's own MAX_IMAGE_PIXELS is set to the
  same limit and its DecompressionBombWarning is turned into an error as a second line of defence;
- a truncated or corrupt file fails to decode (Pillow's LOAD_TRUNCATED_IMAGES stays False).
"""
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
WIDTHS = (240, 480, 960)  # product card (1x, 2x), product page (1x, 2x): see partials/catalog/product_card.html
WEBP_QUALITY = 82


class ImageRefused(ValueError):
    """An upload that is not stored; the message says why, in words an admin can act on."""


@dataclass(frozen=True)
class ProcessedImage:
    width: int  # of the upright original, in pixels
    height: int
    variants: dict  # {target width: WebP bytes}, one per WIDTHS entry


def read_limited(stream, max_bytes):
    """The upload's bytes, or ImageRefused when there are more than max_bytes."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRefused(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if not data:
        raise ImageRefused("The file is empty.")
    return data


def process_image(data, max_pixels):
    """Decode `data` (bytes), check it, and return the re-encoded variants. Raises ImageRefused."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # a global another library could flip; truncated files must fail
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must be False")
    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                if image.width * image.height > max_pixels:
                    raise ImageRefused(f"The image is too large ({image.width} × {image.height} pixels; "
                                       f"at most {max_pixels:,} pixels).")
                image.load()  # decodes every pixel of the first frame: a truncated file fails here
                upright = ImageOps.exif_transpose(image)
                return _encode(upright)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused(f"The image is too large (at most {max_pixels:,} pixels).") from None
        except UnidentifiedImageError:
            raise ImageRefused("The file is not an image in a format we accept (JPEG, PNG, WebP or GIF).") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            # Pillow reports truncated and corrupt data as OSError (and, for some formats, the others).
            raise ImageRefused("The image is damaged or incomplete and could not be read.") from None


def _encode(image):
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    pixels = image.convert("RGBA" if has_alpha else "RGB")  # a fresh image: no info, no EXIF
    variants = {}
    for width in WIDTHS:
        copy = pixels.copy()
        copy.thumbnail((width, width), Image.Resampling.LANCZOS)  # keeps the ratio, never enlarges
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=WEBP_QUALITY, method=4)  # no exif= or icc_profile=: none written
        variants[width] = out.getvalue()
    return ProcessedImage(width=pixels.width, height=pixels.height, variants=variants)
