"""Hostile workbooks built in memory: small uploads made to cost a parser dearly.

Used by tasks/tests/test_parsing_budget.py (each is refused within the budget) and by the load
check loadtest/hostile.py (web workers keep serving readers while these are uploaded). Each
is a real workbook (openpyxl) with parts replaced or added.
"""

import io
import zipfile

from openpyxl import Workbook

SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def base_workbook():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "牵头单位"])
    sheet.append([1, "任务", "区发改委"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rebuilt(raw, replace=None, add=None, compression=zipfile.ZIP_DEFLATED):
    """`raw` with some members' bytes replaced (name → bytes or function of the old bytes) and members added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename in replace:
                change = replace[member.filename]
                data = change(data) if callable(change) else change
            target.writestr(member.filename, data)
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


def strings_flood(count):
    # Each string different, so it compresses like real text (about 4:1), not like a repeated letter.
    body = b"".join(b"<si><t>%x</t></si>" % (n * 2654435761 % 2**32) for n in range(count))
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">' % count
    return head + body + b"</sst>"


def shared_strings_flood():
    """600,000 shared strings (1.2 M elements): 13 MB unpacked, under the 20 MB limit."""
    return rebuilt(base_workbook(), add={"xl/sharedStrings.xml": strings_flood(600_000)})


def one_letter_strings():
    """The probe's file: 1.15 M one-letter shared strings, 19.6 MB unpacked from 51 kB."""
    count = 1_150_000
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">' % count
    return rebuilt(base_workbook(), add={"xl/sharedStrings.xml": head + b"<si><t>a</t></si>" * count + b"</sst>"})


def flood_under_a_binary_name():
    """The same flood in xl/strings.bin, declared as the shared strings in the package's own index."""

    def declare(types):
        return types.replace(
            b"</Types>", b'<Override PartName="/xl/strings.bin" ContentType="' + SHEET_TYPE.encode() + b'"/></Types>'
        )

    def relate(rels):
        return rels.replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="' + SHARED_STRINGS_RELATION.encode() + b'" Target="strings.bin"/>'
            b"</Relationships>",
        )

    return rebuilt(
        base_workbook(),
        replace={"[Content_Types].xml": declare, "xl/_rels/workbook.xml.rels": relate},
        add={"xl/strings.bin": strings_flood(600_000)},
    )


def thousandfold_compression():
    """A sheet padded with 15 MB of white space: 15 kB on the wire, 1000:1."""

    def pad(sheet):
        return sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * 15_000_000)

    return rebuilt(base_workbook(), replace={"xl/worksheets/sheet1.xml": pad})


def deeply_nested():
    """A sheet whose cell holds 100,000 nested elements (a parser that recurses dies; one that stacks grows)."""
    depth = 100_000

    def nest(sheet):
        return sheet.replace(b"<sheetData>", b"<sheetData>" + b"<x>" * depth + b"</x>" * depth)

    return rebuilt(base_workbook(), replace={"xl/worksheets/sheet1.xml": nest})


HOSTILE = {
    "shared strings flood": (shared_strings_flood, "XML元素超过上限"),
    "flood in a part named .bin": (flood_under_a_binary_name, "XML元素超过上限"),
    "one-letter strings": (one_letter_strings, "压缩比"),
    "1000:1 compression": (thousandfold_compression, "压缩比"),
    "deeply nested XML": (deeply_nested, "嵌套超过"),
}
