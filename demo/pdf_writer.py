"""A small PDF writer for the demo letters: text lines, ruled boxes, four standard fonts.

fpdf2 spent ~6 ms a letter, three quarters of it in its general object model, its output
and pure-Python RC4; the letters need none of that. The page content is the operators fpdf2
writes (`tests/test_demo_render.py` compares them with fpdf2's, byte for byte), and encrypted
letters are encrypted like the published ones: AES-128 (V4 / R4 / AESV2), an empty user
password, print-only permissions (P -1340, as in the real letters).
"""

from __future__ import annotations

import hashlib
import tomllib
import zlib
from functools import cache
from pathlib import Path

from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_W, PAGE_H = 612.0, 792.0
START_LINE_WIDTH = 72 / 25.4 * 0.2  # fpdf2's default, 0.2 mm
BASE_FONTS = {  # fpdf2's font keys -> PostScript names of the standard fonts
    "helvetica": "Helvetica",
    "helveticaB": "Helvetica-Bold",
    "times": "Times-Roman",
    "timesB": "Times-Bold",
}
PERMISSIONS = -1340  # print (low and high resolution) and accessibility; no copying, no edits
WIDTHS_FILE = Path(__file__).with_name("font_widths.toml")
_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


class PdfCanvas:
    """Pages of drawing operators; fonts are numbered in the order first selected (fpdf2's)."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = []
        self.font_ids: dict[str, int] = {}
        self.fontkey = ""
        self.size = 0.0
        self.cw: dict[str, int] = {}
        self.line_width = START_LINE_WIDTH
        self._font_on_page = False

    def add_page(self) -> None:
        self.pages.append(["2 J", f"{self.line_width:.2f} w"])
        self._font_on_page = False

    def set_font(self, family: str, style: str, size: float) -> None:
        key = family.lower() + style
        if key == self.fontkey and size == self.size:
            return
        self.font_ids.setdefault(key, len(self.font_ids) + 1)
        self.fontkey, self.size, self.cw = key, size, char_widths()[key]
        self._font_on_page = False

    def set_line_width(self, width: float) -> None:
        if width != self.line_width:
            self.line_width = width
            self.pages[-1].append(f"{width:.2f} w")

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.pages[-1].append(f"{x:.2f} {PAGE_H - y:.2f} {w:.2f} {-h:.2f} re S")

    def fill_rect(self, x: float, y: float, w: float, h: float, gray: float) -> None:
        """A filled box and no text: what a scanned page without a text layer is made of."""
        self.pages[-1].append(f"{gray:.3f} g {x:.2f} {PAGE_H - y:.2f} {w:.2f} {-h:.2f} re f")

    def text(self, x: float, y: float, text: str) -> None:
        page = self.pages[-1]
        if not self._font_on_page:
            page.append(f"BT /F{self.font_ids[self.fontkey]} {self.size:.2f} Tf ET")
            self._font_on_page = True
        escaped = _escape(text)
        page.append(f"BT {x:.2f} {PAGE_H - y:.2f} Td ({escaped}) Tj ET")

    def output(
        self, *, title: str, creator: str, encrypt: bool = False, user_password: str = ""
    ) -> bytes:
        contents = [zlib.compress("\n".join(ops).encode("cp1252")) for ops in self.pages]
        file_id = hashlib.md5(b"".join(contents)).digest()
        crypt = _Crypt(file_id, user_password) if encrypt else None
        n_pages = len(contents)
        # 1 pages tree, 2 catalog, 3 info, 4.. fonts, then (page, content) pairs
        fonts = {key: 4 + k for k, key in enumerate(self.font_ids)}
        first_page = 4 + len(fonts)
        kids = " ".join(f"{first_page + 2 * k} 0 R" for k in range(n_pages))
        font_refs = " ".join(f"/F{self.font_ids[key]} {num} 0 R" for key, num in fonts.items())
        objects: list[bytes] = [
            f"<</Type /Pages /Kids [{kids}] /Count {n_pages} "
            f"/MediaBox [0 0 {PAGE_W:.2f} {PAGE_H:.2f}]>>".encode(),
            b"<</Type /Catalog /Pages 1 0 R /PageLayout /OneColumn>>",
            b"<</Title "
            + _string(title, 3, crypt)
            + b" /Creator "
            + _string(creator, 3, crypt)
            + b">>",
        ]
        for key in fonts:
            objects.append(
                f"<</Type /Font /Subtype /Type1 /BaseFont /{BASE_FONTS[key]} "
                "/Encoding /WinAnsiEncoding>>".encode()
            )
        for k, content in enumerate(contents):
            num = first_page + 2 * k
            objects.append(
                f"<</Type /Page /Parent 1 0 R /Contents {num + 1} 0 R "
                f"/Resources <</ProcSet [/PDF /Text] /Font <<{font_refs}>>>>>>".encode()
            )
            data = crypt.encrypt(content, num + 1) if crypt else content
            objects.append(
                f"<</Filter /FlateDecode /Length {len(data)}>>\nstream\n".encode()
                + data
                + b"\nendstream"
            )
        trailer = f"/Size {len(objects) + 1 + bool(crypt)} /Root 2 0 R /Info 3 0 R "
        trailer += f"/ID [<{file_id.hex()}> <{file_id.hex()}>]"
        if crypt:
            objects.append(crypt.dictionary())
            trailer += f" /Encrypt {len(objects)} 0 R"
        return _assemble(objects, trailer)


@cache
def char_widths() -> dict[str, dict[str, int]]:
    """Font key -> character -> width (1/1000 em), fpdf2's table for the four fonts, read from
    a data file: importing fpdf2 for it cost every `imr` command ~0.6 s."""
    with WIDTHS_FILE.open("rb") as f:
        table = tomllib.load(f)
    return {key: {chr(i): w for i, w in enumerate(table[key])} for key in BASE_FONTS}


def _escape(text: str) -> str:
    """fpdf2's `escape_parens`: backslash, parentheses and CR."""
    return text.replace("\\", "\\\\").replace(")", "\\)").replace("(", "\\(").replace("\r", "\\r")


def _assemble(objects: list[bytes], trailer: str) -> bytes:
    out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += f"trailer\n<<{trailer}>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _string(text: str, num: int, crypt: _Crypt | None) -> bytes:
    data = text.encode("cp1252")
    return b"<" + (crypt.encrypt(data, num) if crypt else data).hex().encode() + b">"


class _Crypt:
    """The standard security handler, revision 4 with AES-128 (ISO 32000-1, 7.6.3)."""

    def __init__(self, file_id: bytes, user_password: str) -> None:
        self.user = _pad(user_password)
        self.owner = _owner_value(self.user)
        self.file_id = file_id
        digest = hashlib.md5(
            self.user + self.owner + PERMISSIONS.to_bytes(4, "little", signed=True) + file_id
        ).digest()
        for _ in range(50):
            digest = hashlib.md5(digest).digest()
        self.key = digest

    def encrypt(self, data: bytes, num: int) -> bytes:
        key = hashlib.md5(self.key + num.to_bytes(3, "little") + b"\0\0sAlT").digest()
        iv = hashlib.md5(key + data[:64]).digest()  # deterministic: same letter, same bytes
        padder = padding.PKCS7(128).padder()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        return iv + encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()

    def dictionary(self) -> bytes:
        user = _rc4_rounds(self.key, hashlib.md5(_PAD + self.file_id).digest()) + bytes(16)
        return (
            b"<</Filter /Standard /V 4 /R 4 /Length 128 /P %d " % PERMISSIONS
            + b"/CF <</StdCF <</AuthEvent /DocOpen /CFM /AESV2 /Length 16>>>> "
            + b"/StmF /StdCF /StrF /StdCF /O <"
            + self.owner.hex().encode()
            + b"> /U <"
            + user.hex().encode()
            + b">>>"
        )


def _pad(password: str) -> bytes:
    return (password.encode("latin-1") + _PAD)[:32]


@cache
def _owner_value(user: bytes, owner_password: str = "imr-demo-owner") -> bytes:
    digest = hashlib.md5(_pad(owner_password)).digest()
    for _ in range(50):
        digest = hashlib.md5(digest).digest()
    return _rc4_rounds(digest, user)


def _rc4_rounds(key: bytes, data: bytes) -> bytes:
    """RC4 with `key`, then with key XOR 1 ... 19 (algorithms 3 and 5, revision >= 3)."""
    for i in range(20):
        cipher = Cipher(ARC4(bytes(b ^ i for b in key)), mode=None).encryptor()
        data = cipher.update(data)
    return data
