"""Two small ICC v2 profiles, written field by field after the ICC specification, for test images that carry a
colour profile: decoders that apply it change the pixels, PIL does not.

wide_rgb_profile(): a display profile with Adobe RGB (1998)'s primaries (adapted to D50) and gamma 2.2.
cmyk_profile(): a printer profile mapping inks to Lab through a 2-point grid (lut8Type).
"""
import struct

D50 = (0.9642, 1.0, 0.8249)


def s15(v):
    return struct.pack(">i", int(round(v * 65536)))


def xyz_tag(x, y, z):
    return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)


def desc_tag(text):
    ascii_ = text.encode("ascii") + b"\0"
    return b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_)) + ascii_ + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67


def text_tag(text):
    return b"text" + b"\0" * 4 + text.encode("ascii") + b"\0"


def curve_tag(gamma):
    return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, int(round(gamma * 256))) + b"\0\0"


def lut8_tag(inputs, outputs, grid, clut):
    """lut8Type: identity matrix and input/output tables, and the given CLUT (grid ** inputs entries of `outputs`
    bytes each)."""
    identity = bytes(range(256))
    matrix = b"".join(s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    return (b"mft1" + b"\0" * 4 + struct.pack(">BBBB", inputs, outputs, grid, 0) + matrix + identity * inputs
            + bytes(clut) + identity * outputs)


def profile(device_class, space, pcs, tags):
    """An ICC v2.1 profile: header, tag table, tags (each 4-byte aligned)."""
    table = struct.pack(">I", len(tags))
    body = b""
    offset = 128 + 4 + 12 * len(tags)
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = 128 + len(table) + len(body)
    header = (struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + device_class + space + pcs
              + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
              + s15(D50[0]) + s15(D50[1]) + s15(D50[2]) + b"\0" * 4 + b"\0" * 16 + b"\0" * 28)
    assert len(header) == 128
    return header + table + body


def wide_rgb_profile():
    """A display profile with Adobe RGB (1998)'s primaries (adapted to D50) and gamma 2.2: not sRGB."""
    red, green, blue = (0.6097559, 0.3111242, 0.0194811), (0.2052401, 0.6256560, 0.0608902), (0.1492240, 0.0632197, 0.7448387)
    return profile(b"mntr", b"RGB ", b"XYZ ", [
        (b"desc", desc_tag("wide gamut RGB")), (b"cprt", text_tag("no copyright, test data")),
        (b"wtpt", xyz_tag(*D50)), (b"rXYZ", xyz_tag(*red)), (b"gXYZ", xyz_tag(*green)), (b"bXYZ", xyz_tag(*blue)),
        (b"rTRC", curve_tag(2.2)), (b"gTRC", curve_tag(2.2)), (b"bTRC", curve_tag(2.2))])


def cmyk_profile():
    """A printer profile whose inks map to Lab through a 2-point grid: colour management then differs visibly
    from PIL's 255 - ink - black."""
    to_lab = []
    for c in (0, 1):
        for m in (0, 1):
            for y in (0, 1):
                for k in (0, 1):
                    lightness = (1 - k) * (1 - 0.25 * (c + m + y))
                    to_lab += [int(255 * lightness), 128 + int(50 * (m - c)), 128 + int(50 * (y - 0.5 * (c + m)))]
    from_lab = []
    for lightness in (0, 1):
        for a in (0, 1):
            for b in (0, 1):
                from_lab += [0, 0, 0, 255 * (1 - lightness)]
    return profile(b"prtr", b"CMYK", b"Lab ", [
        (b"desc", desc_tag("test CMYK")), (b"cprt", text_tag("no copyright, test data")), (b"wtpt", xyz_tag(*D50)),
        (b"A2B0", lut8_tag(4, 3, 2, to_lab)), (b"B2A0", lut8_tag(3, 4, 2, from_lab))])
