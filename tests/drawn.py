"""Small PDFs drawn glyph run by glyph run, for tests of the header reader and of what is
built on it: each span is put where a typesetter would put it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

_XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/" '
    'xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">{}</rdf:Description></rdf:RDF></x:xmpmeta>'
    '<?xpacket end="w"?>'
)
FONTS = {
    "R": "Helvetica", "B": "Helvetica-Bold", "T": "Times-Roman", "I": "Times-Italic",
    "Z": "ZapfDingbats",  # its own encoding: letters drawn in it read as dingbats, not text
}  # fmt: skip


@dataclass
class Sheet:
    """One page of positioned text: each span is drawn where it is put."""

    ops: list[str] = field(default_factory=list)

    def put(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 10,
        font: str = "R",
        *,
        rise: float = 0,
        render: int = 0,
        spacing: float = 0,
    ) -> Sheet:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        self.ops.append(
            f"BT /{font} {size} Tf {render} Tr {spacing} Tc {rise} Ts "
            f"1 0 0 1 {x:.2f} {y:.2f} Tm ({escaped}) Tj ET"
        )
        return self

    def runs(self, x: float, y: float, parts: list[tuple[str, str, float, float]]) -> Sheet:
        """Spans set one after the other on a line, each (text, font, size, rise): the
        positions advance by the fonts' own widths, as a typesetter's output does."""
        ops = [f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm"]
        for text, font, size, rise in parts:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"/{font} {size} Tf {rise} Ts ({escaped}) Tj")
        self.ops.append(" ".join([*ops, "ET"]))
        return self

    def spaced(
        self, x: float, y: float, text: str, size: float = 10, font: str = "T", ems: float = 0.3
    ) -> Sheet:
        """Letter-spaced type as TeX and typesetters draw it: one string a glyph in a TJ
        array, each moved `ems` further right than its width."""
        glyphs = " ".join(f"({c}) {-1000 * ems:.0f}" for c in _escaped(text))
        self.ops.append(f"BT /{font} {size} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm [{glyphs}] TJ ET")
        return self

    def prose(self, x: float, y: float, text: str, width: int = 90, size: float = 9) -> float:
        """Running text from (x, y) down, ``width`` characters a line; returns the next y."""
        line = ""
        for word in text.split():
            if line and len(line) + len(word) + 1 > width:
                self.put(x, y, line, size)
                y -= 1.2 * size
                line = word
            else:
                line = f"{line} {word}".strip()
        if line:
            self.put(x, y, line, size)
            y -= 1.2 * size
        return y

    def save(self, path: Path, info: dict[str, str] | None = None, xmp: str = "") -> Path:
        """Write the page as a one-page PDF; `info` fills its Info dictionary ("/Title": ...),
        `xmp` is the inside of an XMP packet's rdf:Description (``<prism:doi>...</prism:doi>``)."""
        from pypdf import PdfWriter
        from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

        writer = PdfWriter()
        page = writer.add_blank_page(width=612, height=792)
        fonts = DictionaryObject()
        for key, base in FONTS.items():
            font = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject(f"/{base}"),
                }
            )
            if key != "Z":
                font[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
            fonts[NameObject(f"/{key}")] = writer._add_object(font)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        stream = DecodedStreamObject()
        stream.set_data("\n".join(self.ops).encode("cp1252"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        if info:
            writer.add_metadata(info)
        if xmp:
            packet = DecodedStreamObject()
            packet.set_data(_XMP.format(xmp).encode("utf-8"))
            packet[NameObject("/Type")] = NameObject("/Metadata")
            packet[NameObject("/Subtype")] = NameObject("/XML")
            writer.root_object[NameObject("/Metadata")] = writer._add_object(packet)
        with path.open("wb") as fh:
            writer.write(fh)
        return path


def _escaped(text: str) -> list[str]:
    return [c.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for c in text]


def encrypted_copy(
    source: Path, path: Path, algorithm: str, *, clear_metadata: bool = False
) -> Path:
    """`source` encrypted as tools that only restrict copying do: the empty user password
    opens it. With `clear_metadata` the XMP packet is left unencrypted (/EncryptMetadata
    false, AES-256 only: its file key does not depend on that flag)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt("", "owner", algorithm=algorithm)
    if clear_metadata:
        packet = writer.root_object["/Metadata"].indirect_reference.idnum
        encryption = writer._encryption
        assert encryption is not None and algorithm.startswith("AES-256")
        encryption.EncryptMetadata = False  # the /Perms entry seals this flag
        entry = writer._encrypt_entry
        entry.update(encryption.write_entry("", "owner"))
        entry[NameObject("/EncryptMetadata")] = BooleanObject(False)
        seal = encryption.encrypt_object
        encryption.encrypt_object = lambda obj, idnum, gen: (  # type: ignore[method-assign]
            obj if idnum == packet else seal(obj, idnum, gen)
        )
    with path.open("wb") as fh:
        writer.write(fh)
    return path
