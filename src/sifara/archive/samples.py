"""Generated documents for the demo and the tests: Arabic PDFs (WeasyPrint with the vendored
IBM Plex Sans Arabic font), scans (image-only PDFs) and Word documents."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

FONT_DIR = (
    Path(__file__).resolve().parents[1] / "static" / "vendor" / "ibm-plex-sans-arabic" / "files"
)


def arabic_font() -> Path:
    return FONT_DIR / "ibm-plex-sans-arabic-arabic-400-normal.woff"


def pdf_from_paragraphs(paragraphs: list[str], *, rtl: bool = True) -> bytes:
    """A born-digital PDF of ``paragraphs`` (right-to-left page by default)."""
    import weasyprint

    font = arabic_font().resolve().as_uri()
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    markup = (
        f'<html dir="{"rtl" if rtl else "ltr"}" lang="{"ar" if rtl else "en"}"><head><style>'
        f"@font-face {{ font-family: Plex; src: url('{font}'); }}"
        "body { font-family: Plex, sans-serif; font-size: 13pt; }"
        "</style></head><body>" + body + "</body></html>"
    )
    return bytes(weasyprint.HTML(string=markup).write_pdf())


def scanned_pdf(lines: list[str], *, pages: int = 1, arabic: bool = False) -> bytes:
    """An image-only PDF (what a scanner produces) of ``lines``: English with
    Pillow's own font, or Arabic (shaped right to left) with IBM Plex Sans Arabic."""
    from PIL import Image, ImageDraw, ImageFont

    images = []
    font: Any = (
        ImageFont.truetype(str(arabic_font()), 48) if arabic else ImageFont.load_default(size=44)
    )
    width = 1400
    for page in range(pages):
        image = Image.new("L", (width, 160 + 90 * len(lines) + 140), 255)
        draw = ImageDraw.Draw(image)
        for index, line in enumerate(lines):
            y = 120 + index * 90
            if arabic:
                draw.text(
                    (width - 120, y),
                    line,
                    fill=0,
                    font=font,
                    anchor="ra",
                    direction="rtl",
                    language="ar",
                )
            else:
                draw.text((120, y), line, fill=0, font=font)
        draw.text((120, 120 + 90 * len(lines)), f"{page + 1}", fill=0, font=font)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return buffer.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def encrypted_pdf(data: bytes, password: str = "secret") -> bytes:  # noqa: S107
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
