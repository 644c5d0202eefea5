"""Build small PDFs for tests by hand: a text layer (what a PDF printed from Word has), or none (a scan).

No PDF library writes CJK text without a font file, so the text layer is written the way
such PDFs carry it: two-byte glyph codes (Identity-H) and a ToUnicode map from each code
to its character — exactly what a reader extracts. No font is embedded; viewers would
show boxes, the text layer is what the importer reads.
"""


def _stream(data):
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _pdf(objects):
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_pdf(pages):
    """A PDF whose pages hold `pages` (a list of lists of lines) as a text layer."""
    characters = sorted({char for lines in pages for line in lines for char in line})
    code = {char: number for number, char in enumerate(characters, start=1)}
    mapping = b"".join(b"<%04X> <%04X>\n" % (code[char], ord(char)) for char in characters if ord(char) <= 0xFFFF)
    to_unicode = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"%d beginbfchar\n"
        % len(characters)
        + mapping
        + b"endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end"
    )
    first_page = 6
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * index) for index in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        _stream(to_unicode),
    ]
    for lines in pages:
        text = (
            b"BT /F1 12 Tf 14 TL 40 800 Td\n"
            + b"".join(b"<" + b"".join(b"%04X" % code[char] for char in line) + b"> Tj T*\n" for line in lines)
            + b"ET"
        )
        page_number = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (page_number + 1)
        )
        objects.append(_stream(text))
    return _pdf(objects)


def scanned_pdf():
    """A one-page PDF holding only a picture of a page: no text layer."""
    image = _stream(b"\xff" * 3).replace(
        b"<< /Length",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length",
    )
    content = _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q")
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> "
            b"/Contents 5 0 R >>",
            image,
            content,
        ]
    )
