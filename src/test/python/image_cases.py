#!/usr/bin/python3
"""Test images and what torchvision's classic ImageNet evaluation transform makes of them, for the Java
preprocessing's parity test.

Usage: image_cases.py OUT_DIR
Writes OUT_DIR/NAME.{jpg,png,bmp,gif,webp,tiff} and OUT_DIR/NAME.RESIZE_CROP.npy (3, CROP, CROP) for (256, 224)
and (40, 32): ImageOps.exif_transpose, convert("RGB"), Resize(RESIZE), CenterCrop(CROP), ToTensor,
Normalize(ImageNet). 16-bit grayscale is reduced to its high byte first (PIL's own conversion would clip it at 255);
16-bit RGB TIFF needs no such step (PIL itself keeps the high byte). CMYK becomes RGB by PIL's rule
(255 - ink - black); 5-6-5 BMP samples scale as PIL unpacks them.
"""
import io
import os
import struct
import sys

import numpy as np
from PIL import Image, ImageOps
import torchvision.transforms as T

from icc_profiles import cmyk_profile, wide_rgb_profile

SIZES = [(256, 224), (40, 32)]


def scene(w, h, seed):
    """A smooth picture with edges and noise: enough structure for resizing and JPEG to matter."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    r = 128 + 100 * np.sin(x / 9.0 + seed) * np.cos(y / 13.0)
    g = 255 * ((x // 23 + y // 17) % 2)
    b = (x * 255 // max(1, w - 1) + rng.randint(0, 40, (h, w))) % 256
    return np.clip(np.stack([r, g, b], -1), 0, 255).astype(np.uint8)


def write_rgb565_bmp(path, pixels):
    """A BITMAPINFOHEADER BMP of 16-bit pixels with BI_BITFIELDS masks for 5-6-5 red, green, blue."""
    h, w = pixels.shape
    row = (w * 2 + 3) // 4 * 4
    data = b"".join(pixels[y].astype("<u2").tobytes() + b"\0" * (row - w * 2) for y in range(h - 1, -1, -1))
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 16, 3, len(data), 2835, 2835, 0, 0)
    info += struct.pack("<III", 0xF800, 0x07E0, 0x001F)
    offset = 14 + len(info)
    with open(path, "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + data)


def write_rgb16_tiff(path, pixels):
    """A baseline big-endian TIFF of 16-bit RGB samples, uncompressed, one strip (PIL reads such files but cannot
    write them)."""
    h, w, _ = pixels.shape
    data = pixels.astype(">u2").tobytes()
    tags = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 3, None), (259, 3, 1, 1), (262, 3, 1, 2), (273, 4, 1, None),
            (277, 3, 1, 3), (278, 4, 1, h), (279, 4, 1, len(data)), (284, 3, 1, 1)]
    ifd_size = 2 + 12 * len(tags) + 4
    bits_at = 8 + ifd_size
    data_at = bits_at + 6
    ifd = struct.pack(">H", len(tags))
    for tag, kind, count, value in tags:
        value = bits_at if tag == 258 else data_at if tag == 273 else value
        packed = struct.pack(">HH", value, 0) if kind == 3 and count == 1 else struct.pack(">I", value)
        ifd += struct.pack(">HHI", tag, kind, count) + packed
    ifd += struct.pack(">I", 0)
    with open(path, "wb") as f:
        f.write(b"MM" + struct.pack(">HI", 42, 8) + ifd + struct.pack(">HHH", 16, 16, 16) + data)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    images = {}
    images["rgb_q90.jpg"] = (Image.fromarray(scene(300, 200, 1)), {"quality": 90})
    images["rgb_444_q95.jpg"] = (Image.fromarray(scene(257, 333, 2)), {"quality": 95, "subsampling": 0})
    images["gray.png"] = (Image.fromarray(scene(180, 241, 3)[:, :, 0], "L"), {})
    images["rgba.png"] = (Image.fromarray(np.dstack([scene(320, 240, 4), scene(320, 240, 5)[:, :, 1]]), "RGBA"), {})
    images["palette.png"] = (Image.fromarray(scene(200, 199, 6)).quantize(64), {})
    images["small_upscaled.png"] = (Image.fromarray(scene(100, 80, 7)), {})
    images["tall.jpg"] = (Image.fromarray(scene(64, 500, 8)), {"quality": 92})
    for orientation in (3, 6, 8):
        exif = Image.Exif()
        exif[274] = orientation
        images["exif%d.jpg" % orientation] = (Image.fromarray(scene(240, 160, 9 + orientation)), {"quality": 93, "exif": exif})
    images["cmyk.jpg"] = (Image.fromarray(scene(210, 190, 12)).convert("CMYK"), {"quality": 94})
    images["bilevel.png"] = (Image.fromarray(scene(150, 160, 13)[:, :, 0], "L").convert("1"), {})
    images["gray_alpha.png"] = (Image.fromarray(scene(170, 150, 14)[:, :, :2].copy(), "LA"), {})
    images["rgb.bmp"] = (Image.fromarray(scene(190, 170, 15)), {})
    images["palette.gif"] = (Image.fromarray(scene(160, 180, 16)).quantize(200), {})
    images["rgb_q80.webp"] = (Image.fromarray(scene(300, 200, 21)), {"quality": 80})
    images["rgb_q95.webp"] = (Image.fromarray(scene(257, 333, 22)), {"quality": 95})
    images["rgba_q85.webp"] = (Image.fromarray(np.dstack([scene(240, 180, 23), scene(240, 180, 24)[:, :, 1]]), "RGBA"),
                               {"quality": 85})
    images["rgb_lossless.webp"] = (Image.fromarray(scene(230, 170, 25)), {"lossless": True})
    images["rgba_lossless.webp"] = (Image.fromarray(np.dstack([scene(200, 210, 26), scene(200, 210, 27)[:, :, 2]]),
                                                    "RGBA"), {"lossless": True})
    webp_exif = Image.Exif()
    webp_exif[274] = 6
    images["exif6_lossless.webp"] = (Image.fromarray(scene(240, 160, 28)), {"lossless": True, "exif": webp_exif})
    images["rgb.tiff"] = (Image.fromarray(scene(190, 170, 29)), {})
    images["rgb_lzw.tiff"] = (Image.fromarray(scene(210, 150, 30)), {"compression": "tiff_lzw"})
    images["rgb_deflate.tiff"] = (Image.fromarray(scene(150, 210, 31)), {"compression": "tiff_adobe_deflate"})
    images["rgba_packbits.tiff"] = (Image.fromarray(np.dstack([scene(170, 160, 32), scene(170, 160, 33)[:, :, 0]]),
                                                    "RGBA"), {"compression": "packbits"})
    images["gray.tiff"] = (Image.fromarray(scene(180, 241, 34)[:, :, 0], "L"), {})
    images["palette.tiff"] = (Image.fromarray(scene(200, 199, 35)).quantize(64), {})
    images["cmyk.tiff"] = (Image.fromarray(scene(210, 190, 36)).convert("CMYK"), {})
    tiff_exif = Image.Exif()
    tiff_exif[274] = 8
    images["exif8.tiff"] = (Image.fromarray(scene(240, 160, 37)), {"exif": tiff_exif})
    # Colour profiles, which PIL does not apply (and a decoder must not either, to see the same pixels).
    images["rgb_icc.jpg"] = (Image.fromarray(scene(200, 150, 43)), {"quality": 92, "icc_profile": wide_rgb_profile()})
    images["cmyk_icc.jpg"] = (Image.fromarray(scene(210, 190, 44)).convert("CMYK"), {"quality": 94, "icc_profile": cmyk_profile()})
    images["rgb_icc_lossless.webp"] = (Image.fromarray(scene(200, 150, 45)), {"lossless": True, "icc_profile": wide_rgb_profile()})
    images["rgb_icc.png"] = (Image.fromarray(scene(200, 150, 46)), {"icc_profile": wide_rgb_profile()})
    images["rgb_icc.tiff"] = (Image.fromarray(scene(200, 150, 47)), {"icc_profile": wide_rgb_profile()})
    images["cmyk_icc.tiff"] = (Image.fromarray(scene(210, 190, 48)).convert("CMYK"), {"icc_profile": cmyk_profile()})
    images["rgb_jpeg.tiff"] = (Image.fromarray(scene(210, 150, 39)), {"compression": "jpeg"})
    images["multipage.tiff"] = (Image.fromarray(scene(120, 100, 40)),
                                {"save_all": True, "append_images": [Image.fromarray(scene(130, 90, 41))]})
    for name, (img, options) in images.items():
        img.save(os.path.join(out, name), **options)

    # Every 16-bit 5-6-5 value once (PIL writes no such BMP, so it is written here by hand).
    write_rgb565_bmp(os.path.join(out, "rgb565.bmp"), np.arange(65536, dtype=np.uint16).reshape(256, 256))
    images["rgb565.bmp"] = None

    gray16 = (scene(150, 170, 20)[:, :, 0].astype(np.uint16) * 257 + np.arange(150, dtype=np.uint16) % 200)
    Image.fromarray(gray16, "I;16").save(os.path.join(out, "gray16.png"))
    images["gray16.png"] = None

    # A JPEG whose ICC profile chunk is numbered 2 of 1: PIL ignores the profile, the JDK's reader refuses the file.
    jpeg = io.BytesIO()
    Image.fromarray(scene(180, 140, 42)).save(jpeg, "JPEG", quality=90)
    icc = b"ICC_PROFILE\0" + bytes([2, 1]) + b"x" * 100
    with open(os.path.join(out, "icc_bad_sequence.jpg"), "wb") as f:
        f.write(jpeg.getvalue()[:2] + b"\xff\xe2" + struct.pack(">H", len(icc) + 2) + icc + jpeg.getvalue()[2:])
    images["icc_bad_sequence.jpg"] = None

    write_rgb16_tiff(os.path.join(out, "rgb16.tiff"), scene(170, 150, 38).astype(np.uint16) * 257
                     + np.arange(170, dtype=np.uint16)[None, :, None] % 251)
    images["rgb16.tiff"] = None

    Image.fromarray(gray16, "I;16").save(os.path.join(out, "gray16.tiff"), compression="tiff_lzw")
    images["gray16.tiff"] = None

    for name in images:
        path = os.path.join(out, name)
        if name in ("gray16.png", "gray16.tiff"):
            pixels = np.array(Image.open(path)).astype(np.uint16) >> 8
            rgb = Image.fromarray(pixels.astype(np.uint8), "L").convert("RGB")
        elif name.endswith(".tiff"):
            rgb = Image.open(path)
            rgb.load()
            # Pillow 9.4 applies a TIFF's orientation tag as it loads the pixels, and exif_transpose would then apply
            # it a second time; the loaded image is already upright.
            assert name != "exif8.tiff" or rgb.size == (160, 240), "this Pillow no longer rotates TIFFs on load"
            rgb = rgb.convert("RGB")
        else:
            rgb = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
        for resize, crop in SIZES:
            transform = T.Compose([T.Resize(resize), T.CenterCrop(crop), T.ToTensor(),
                                   T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
            np.save(os.path.join(out, "%s.%d_%d.npy" % (name, resize, crop)), transform(rgb).numpy())


if __name__ == "__main__":
    main()
