"""Checking attached files and getting their text out.

* :func:`inspect` refuses what the archive cannot take, with a reason a person
  understands: empty files, files over ``SIFARA_ARCHIVE_MAX_UPLOAD_MB``,
  unsupported types, a ZIP renamed ``.docx``, damaged or password-protected
  PDFs, text whose encoding cannot be recognised.
* :func:`extract` returns the text: PDFs with pypdf (Arabic put back in reading
  order, see :func:`order_pdf_line`), scans with Tesseract when it is installed
  (at most ``SIFARA_ARCHIVE_OCR_MAX_PAGES`` pages), DOCX with python-docx, HTML
  stripped by nh3, plain text decoded with charset-normalizer.

Pure functions of bytes: no database, so they are easy to test.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from sifara.archive.models import Extraction, FileFormat
from sifara.core.errors import ApplicationError

logger = logging.getLogger(__name__)

EXTENSIONS = {
    ".pdf": FileFormat.PDF,
    ".docx": FileFormat.DOCX,
    ".txt": FileFormat.TEXT,
    ".text": FileFormat.TEXT,
    ".htm": FileFormat.HTML,
    ".html": FileFormat.HTML,
}
CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.TEXT: "text/plain; charset=utf-8",
    FileFormat.HTML: "text/html; charset=utf-8",
}
#: Total uncompressed size a DOCX may unpack to (zip bombs).
MAX_DOCX_UNPACKED = 300 * 1024 * 1024
#: A page with fewer characters than this counts as a scanned image.
SCAN_CHARS_PER_PAGE = 20
OCR_TIMEOUT_SECONDS = 120

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_LTR_STRONG = re.compile("[A-Za-z\u00c0-\u024f0-9]")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_LTR_RUN = re.compile(
    r"[A-Za-z\u00c0-\u024f0-9](?:[A-Za-z\u00c0-\u024f0-9 .,:;/\-]*[A-Za-z\u00c0-\u024f0-9])?"
)
_MIRROR = str.maketrans("()[]{}<>", ")(][}{><")
_BRACKETS = "()[]{}<>"


class FileRefusedError(ApplicationError):
    """The file cannot be taken; ``message`` says why."""

    code = "file_refused"


@dataclass(frozen=True)
class Inspected:
    file_format: str
    page_count: int | None = None


@dataclass
class Extracted:
    text: str
    status: str
    note: str = ""
    page_count: int | None = None
    language: str = ""


def max_bytes() -> int:
    return int(settings.SIFARA_ARCHIVE_MAX_UPLOAD_MB) * 1024 * 1024


def tesseract_path() -> str | None:
    """The Tesseract executable, or None when it is not installed."""
    return shutil.which(str(settings.SIFARA_ARCHIVE_TESSERACT))


# --- Checking ---------------------------------------------------------------------


def _pdf_reader(data: bytes) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise FileRefusedError(_("The file is named .pdf but is not a PDF document."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise FileRefusedError(
                    _("The PDF is password-protected. Remove the password and attach it again.")
                )
        count = len(reader.pages)
    except FileRefusedError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise FileRefusedError(_("The PDF is damaged and cannot be read.")) from exc
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        logger.info("PDF refused: %s", type(exc).__name__)
        raise FileRefusedError(_("The PDF is damaged and cannot be read.")) from exc
    if count == 0:
        raise FileRefusedError(_("The PDF has no pages."))
    return reader


def _check_docx(data: bytes) -> None:
    if not data.startswith(b"PK"):
        raise FileRefusedError(_("The file is named .docx but is not a Word document."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefusedError(_("The Word document is damaged and cannot be read.")) from exc
    if "word/document.xml" not in names:
        raise FileRefusedError(
            _(
                "The file is a ZIP archive renamed .docx, not a Word document. "
                "Unpack it and attach the documents inside."
            )
        )
    if unpacked > MAX_DOCX_UNPACKED:
        raise FileRefusedError(_("The Word document unpacks to an unreasonable size."))


def decode_text(data: bytes) -> str:
    """Text of unknown encoding (UTF-8, UTF-16, Windows-1256, ISO-8859-6, ...)."""
    from charset_normalizer import from_bytes

    if data.startswith((b"\xef\xbb\xbf",)):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise FileRefusedError(
            _(
                "The text encoding could not be recognised. "
                "Save the file as UTF-8 and attach it again."
            )
        )
    return str(best)


def _check_text(data: bytes) -> None:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefusedError(_("The file is named as text but contains binary data."))
    decode_text(data)


def inspect(*, name: str, data: bytes) -> Inspected:
    """Check that the archive can take ``data`` (named ``name``).

    Raises :class:`FileRefusedError` with the reason."""
    if not data:
        raise FileRefusedError(_("The file is empty."))
    limit = max_bytes()
    if len(data) > limit:
        raise FileRefusedError(
            _("The file is larger than %(mb)s MB, the configured limit.")
            % {"mb": settings.SIFARA_ARCHIVE_MAX_UPLOAD_MB}
        )
    suffix = PurePath(name).suffix.lower()
    file_format = EXTENSIONS.get(suffix)
    if file_format is None:
        raise FileRefusedError(
            _("Files of type “%(suffix)s” are not accepted: attach PDF, DOCX, plain text or HTML.")
            % {"suffix": suffix or _("(none)")}
        )
    if file_format == FileFormat.PDF:
        return Inspected(file_format=file_format, page_count=len(_pdf_reader(data).pages))
    if file_format == FileFormat.DOCX:
        _check_docx(data)
    else:
        _check_text(data)
    return Inspected(file_format=file_format)


# --- Arabic reading order in PDFs --------------------------------------------------


def _direction(fragment: str) -> str:
    if _ARABIC_LETTER.search(fragment):
        return "R"
    if _LTR_STRONG.search(fragment):
        return "L"
    return "N"


def _split_brackets(fragment: str) -> list[str]:
    """Brackets at the edges of a left-to-right run as fragments of their own.

    Depending on how the PDF was drawn, the bracket closing (or opening) a Latin
    run inside an Arabic line may arrive glued to it ("UN Treaty Series(");
    it belongs to the surrounding right-to-left order, not to the run.
    """
    if len(fragment) < 2 or not _LTR_STRONG.search(fragment):
        return [fragment]
    core = fragment.strip(_BRACKETS)
    if core == fragment or not core:
        return [fragment]
    start = fragment.index(core)
    head, tail = fragment[:start], fragment[start + len(core) :]
    # Only brackets drawn the right-to-left way round ("(" after the run, ")"
    # before it); "(UN)" in that order is a left-to-right run and stays whole.
    if any(c in "([{<" for c in head) or any(c in ")]}>" for c in tail):
        return [fragment]
    return [part for part in (*head, core, *tail) if part]


def order_pdf_line(fragments: list[str], *, rtl_base: bool) -> str:
    """One line from text fragments in *visual* (left-to-right) order.

    pypdf turns each right-to-left run the right way round, but puts the runs
    of a mixed line (Arabic, digits, Latin words, punctuation) in the order
    they are drawn, left to right: "سنوات 5 لمدة" comes out as ". سنوات5 ...
    لمدة". In a right-to-left line the runs are read right to left, so: merge
    left-to-right runs (with the spaces and punctuation between them) into one
    unit, then reverse the order of the units.
    """
    if not rtl_base or len(fragments) < 2:
        return "".join(fragments)
    fragments = [part for f in fragments for part in _split_brackets(f)]
    kinds = [_direction(f) for f in fragments]
    resolved = list(kinds)
    for i, kind in enumerate(kinds):
        if kind != "N":
            continue
        before = next((k for k in reversed(kinds[:i]) if k != "N"), None)
        after = next((k for k in kinds[i + 1 :] if k != "N"), None)
        if before == "L" and after == "L":
            resolved[i] = "L"
    units: list[list[str]] = []
    previous = ""
    for fragment, kind in zip(fragments, resolved, strict=True):
        if kind == "L" and previous == "L":
            units[-1].append(fragment)
        else:
            units.append([fragment])
        previous = kind
    return "".join("".join(unit) for unit in reversed(units))


def _reversal_score(line: str) -> int:
    """Positive when the Arabic words of ``line`` look written backwards.

    In reading order many words start with the article "ال" and end with "ة"
    or "ى"; written backwards they end with "لا" and start with "ة"/"ى".
    """
    score = 0
    for word in re.findall("[\u0621-\u064a]{2,}", line):
        if word.startswith("ال") or word[-1] in "ةى":
            score -= 1
        if word.endswith("لا") or word[0] in "ةى":
            score += 1
    return score


def unreverse_line(line: str) -> str:
    """Undo a line written backwards (characters in visual order): reverse it,
    then put runs of Latin letters and digits back the right way round."""
    flipped = line[::-1].translate(_MIRROR)
    return _LTR_RUN.sub(lambda m: m.group(0)[::-1], flipped)


def fix_reversed_lines(text: str) -> tuple[str, int]:
    """Detect Arabic lines written backwards and turn them round.

    Returns the text and the number of lines fixed.
    """
    fixed = 0
    out = []
    for line in text.split("\n"):
        if _reversal_score(line) >= 2:
            out.append(unreverse_line(line))
            fixed += 1
        else:
            out.append(line)
    return "\n".join(out), fixed


def _normalise_forms(text: str) -> str:
    """Arabic presentation forms (glyph codes some PDFs carry) -> letters."""
    return _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def pdf_page_text(page: Any) -> str:
    """The text of one pypdf page in reading order (Arabic and Latin)."""
    fragments: list[str] = []

    def visit(text: str, *_args: Any) -> None:
        if text:
            fragments.append(text)

    page.extract_text(visitor_text=visit)
    if not fragments:
        return ""
    fragments = [_normalise_forms(f) for f in fragments]
    joined = "".join(fragments)
    rtl_doc = len(_ARABIC_LETTER.findall(joined)) > len(_LATIN.findall(joined))
    lines: list[str] = []
    current: list[str] = []

    def close() -> None:
        has_arabic = any(_ARABIC_LETTER.search(f) for f in current)
        lines.append(order_pdf_line(current, rtl_base=has_arabic or rtl_doc).strip())
        current.clear()

    for fragment in fragments:
        parts = fragment.split("\n")
        for index, part in enumerate(parts):
            if index > 0:
                close()
            if part:
                current.append(part)
    if current:
        close()
    text = "\n".join(line for line in lines)
    return fix_reversed_lines(text)[0]


# --- Extraction -------------------------------------------------------------------


def detect_language(text: str) -> str:
    """ "ar", "en", "fr", ... or "" when unsure."""
    sample = text[:5000]
    arabic = len(_ARABIC_LETTER.findall(sample))
    latin = len(_LATIN.findall(sample))
    if arabic + latin < 20:
        return ""
    if arabic >= latin:
        return "ar"
    found = _latin_detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else ""


@functools.cache
def _latin_detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(
            Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.GERMAN
        )
        .with_low_accuracy_mode()
        .build()
    )


def _ocr_image(image_bytes: bytes, *, tesseract: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed executable, no shell
        [tesseract, "stdin", "stdout", "-l", str(settings.SIFARA_ARCHIVE_OCR_LANGUAGES)],
        input=image_bytes,
        capture_output=True,
        timeout=OCR_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise OSError(result.stderr.decode("utf-8", "replace")[:200])
    return result.stdout.decode("utf-8", "replace")


def _page_png(page: Any) -> bytes | None:
    """The largest image on a scanned page, as PNG bytes."""
    best: Any = None
    best_area = 0
    try:
        for image in page.images:
            pil = image.image
            if pil is None:
                continue
            area = pil.width * pil.height
            if area > best_area:
                best, best_area = pil, area
    except Exception as exc:  # broken image streams: skip the page
        logger.info("page image unreadable: %s", type(exc).__name__)
        return None
    if best is None:
        return None
    buffer = io.BytesIO()
    best.convert("L").save(buffer, format="PNG")
    return buffer.getvalue()


def _extract_pdf(data: bytes) -> Extracted:
    reader = _pdf_reader(data)
    pages = list(reader.pages)
    texts: list[str] = []
    for page in pages:
        try:
            texts.append(pdf_page_text(page))
        except Exception as exc:  # one broken page must not lose the others
            logger.info("PDF page text unreadable: %s", type(exc).__name__)
            texts.append("")
    text = "\n\n".join(t for t in texts if t.strip())
    count = len(pages)
    if len(text.strip()) >= SCAN_CHARS_PER_PAGE * max(1, min(count, 3)):
        return Extracted(text=text, status=Extraction.DONE, page_count=count)
    tesseract = tesseract_path()
    if tesseract is None:
        return Extracted(
            text=text,
            status=Extraction.NEEDS_OCR,
            note=_(
                "This looks like a scan; Tesseract OCR is not installed, "
                "so its text cannot be read."
            ),
            page_count=count,
        )
    limit = int(settings.SIFARA_ARCHIVE_OCR_MAX_PAGES)
    ocr_texts = []
    for page in pages[:limit]:
        png = _page_png(page)
        if png is None:
            continue
        try:
            ocr_texts.append(_ocr_image(png, tesseract=tesseract).strip())
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("OCR failed on a page: %s", exc)
    ocr_text = "\n\n".join(t for t in ocr_texts if t)
    if not ocr_text.strip():
        return Extracted(
            text=text, status=Extraction.EMPTY, note=_("OCR found no text."), page_count=count
        )
    if count > limit:
        return Extracted(
            text=ocr_text,
            status=Extraction.OCR_PARTIAL,
            note=_("OCR read the first %(limit)s of %(count)s pages.")
            % {"limit": limit, "count": count},
            page_count=count,
        )
    return Extracted(text=ocr_text, status=Extraction.OCR, page_count=count)


def _extract_docx(data: bytes) -> Extracted:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, lxml errors, ...
        raise FileRefusedError(_("The Word document is damaged and cannot be read.")) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return Extracted(text="\n".join(parts).strip(), status=Extraction.DONE)


_BLOCK_END = re.compile(r"(?i)<\s*(?:br|/p|/div|/h[1-6]|/li|/tr|/td|/th|/title)\b[^>]*>")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document (scripts, styles and tags removed by nh3)."""
    import nh3

    cleaned = nh3.clean(_BLOCK_END.sub("\n", markup), tags=set(), attributes={})
    text = html.unescape(cleaned)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def extract(*, data: bytes, file_format: str) -> Extracted:
    """The text of a file already accepted by :func:`inspect`."""
    if file_format == FileFormat.PDF:
        result = _extract_pdf(data)
    elif file_format == FileFormat.DOCX:
        result = _extract_docx(data)
    elif file_format == FileFormat.HTML:
        result = Extracted(text=html_to_text(decode_text(data)), status=Extraction.DONE)
    else:
        result = Extracted(text=decode_text(data).replace("\r\n", "\n"), status=Extraction.DONE)
    if result.status == Extraction.DONE and not result.text.strip():
        result.status = Extraction.EMPTY
        result.note = _("The file contains no text.")
    result.language = detect_language(result.text)
    return result
