"""Checking and reading attached files: refusals with clear reasons, Arabic
from born-digital PDFs in reading order, OCR of scans (when Tesseract is
installed) and a clear status when it is not."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings

from sifara.archive import extract, samples
from sifara.archive.models import Extraction

TITLE = "اتفاقية التعاون الاقتصادي والتجاري"
ARTICLE = "تتعهد الأطراف المتعاقدة بتشجيع التجارة والاستثمار بين البلدين لمدة 5 سنوات."
MIXED = "تودع وثائق التصديق لدى الأمم المتحدة (UN Treaty Series) وفق المادة 12."
ENGLISH = "Article 2: the parties agree to cooperate."


@pytest.fixture(scope="module")
def arabic_pdf() -> bytes:
    return samples.pdf_from_paragraphs([TITLE, ARTICLE, MIXED, ENGLISH])


def test_arabic_pdf_text_comes_out_in_reading_order(arabic_pdf):
    result = extract.extract(data=arabic_pdf, file_format="pdf")
    lines = [line for line in result.text.split("\n") if line.strip()]
    assert lines == [TITLE, ARTICLE, MIXED, ENGLISH]
    assert result.status == Extraction.DONE
    assert result.language == "ar"
    assert result.page_count == 1


def test_plain_pypdf_gets_the_mixed_line_wrong(arabic_pdf):
    """Why the fix exists: the library alone puts runs of a mixed line out of order."""
    from pypdf import PdfReader

    raw = PdfReader(io.BytesIO(arabic_pdf)).pages[0].extract_text()
    assert ARTICLE not in raw
    assert ARTICLE in extract.extract(data=arabic_pdf, file_format="pdf").text


def test_lines_written_backwards_are_detected_and_turned_round():
    logical = "تقوم وزارة الخارجية بتنفيذ هذه الاتفاقية منذ عام 2024"
    # What an extractor that emits glyphs left to right produces:
    backwards = logical[::-1].replace("4202", "2024")
    fixed, count = extract.fix_reversed_lines(f"{backwards}\nArticle 2")
    assert count == 1
    assert fixed.split("\n")[0] == logical
    assert fixed.split("\n")[1] == "Article 2"
    # Text already in reading order is left alone.
    assert extract.fix_reversed_lines(ARTICLE) == (ARTICLE, 0)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.pdf", b"", "empty"),
        ("treaty.docx", b"PK\x03\x04not really a zip", "damaged"),
        ("scan.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage", "damaged"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 jpeg", "not accepted"),
        ("notes.txt", b"\x00\x01\x02binary\x00", "binary"),
        ("text.pdf", b"Just words, not a PDF", "not a PDF"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, data, reason):
    with pytest.raises(extract.FileRefusedError) as caught:
        extract.inspect(name=name, data=data)
    assert reason in str(caught.value.message)


def test_a_zip_renamed_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scan1.pdf", b"%PDF-1.4")
    with pytest.raises(extract.FileRefusedError) as caught:
        extract.inspect(name="treaty.docx", data=buffer.getvalue())
    assert "ZIP archive renamed .docx" in str(caught.value.message)


def test_a_password_protected_pdf_is_refused(arabic_pdf):
    with pytest.raises(extract.FileRefusedError) as caught:
        extract.inspect(name="locked.pdf", data=samples.encrypted_pdf(arabic_pdf))
    assert "password-protected" in str(caught.value.message)


@override_settings(SIFARA_ARCHIVE_MAX_UPLOAD_MB=1)
def test_files_over_the_size_limit_are_refused():
    with pytest.raises(extract.FileRefusedError) as caught:
        extract.inspect(name="big.txt", data=b"a" * (1024 * 1024 + 1))
    assert "larger than 1 MB" in str(caught.value.message)


def test_text_in_a_legacy_arabic_encoding_is_decoded():
    text = "مذكرة تفاهم في مجال الطاقة المتجددة بين الحكومتين الموقعتين أدناه. " * 3
    data = text.encode("cp1256")
    assert extract.inspect(name="mou.txt", data=data).file_format == "txt"
    result = extract.extract(data=data, file_format="txt")
    assert "مذكرة تفاهم في مجال الطاقة المتجددة" in result.text
    assert result.language == "ar"


def test_docx_and_html_text():
    docx = samples.docx_bytes(["Memorandum of understanding", "مذكرة تفاهم في مجال الصحة"])
    assert extract.inspect(name="mou.docx", data=docx).file_format == "docx"
    assert "مذكرة تفاهم في مجال الصحة" in extract.extract(data=docx, file_format="docx").text
    page = (
        b"<html><head><script>alert('x')</script><style>p{}</style></head>"
        b"<body><h1>Joint declaration</h1><p>On energy &amp; climate</p></body></html>"
    )
    text = extract.extract(data=page, file_format="html").text
    assert text == "Joint declaration\nOn energy & climate"


@override_settings(SIFARA_ARCHIVE_TESSERACT="/nonexistent/tesseract")
def test_a_scan_without_tesseract_is_kept_and_says_so():
    result = extract.extract(data=samples.scanned_pdf(["TRADE AGREEMENT"]), file_format="pdf")
    assert result.status == Extraction.NEEDS_OCR
    assert "Tesseract OCR is not installed" in str(result.note)


needs_tesseract = pytest.mark.skipif(
    extract.tesseract_path() is None, reason="Tesseract is not installed (make system-libs)"
)


@needs_tesseract
@override_settings(SIFARA_ARCHIVE_OCR_MAX_PAGES=1)
def test_scans_are_read_by_ocr_up_to_the_page_limit():
    data = samples.scanned_pdf(["AGREEMENT ON MARITIME TRANSPORT"], pages=3)
    result = extract.extract(data=data, file_format="pdf")
    assert result.status == Extraction.OCR_PARTIAL
    assert "MARITIME" in result.text.upper()
    assert "first 1 of 3 pages" in str(result.note)


@needs_tesseract
def test_arabic_scans_are_read_by_ocr():
    data = samples.scanned_pdf(["اتفاقية التعاون في مجال الطاقة"], arabic=True)
    result = extract.extract(data=data, file_format="pdf")
    assert result.status == Extraction.OCR
    assert "اتفاقية التعاون في مجال الطاقة" in result.text
    assert result.language == "ar"


@pytest.mark.django_db
def test_scans_stored_without_ocr_are_read_later(editor, capsys):
    from django.test import override_settings as override

    from sifara.archive import services
    from sifara.archive.tests.factories import AgreementFactory
    from sifara.cli import main

    agreement = AgreementFactory()
    with override(SIFARA_ARCHIVE_TESSERACT="/nonexistent/tesseract"):
        scan = services.file_attach(
            actor=editor,
            agreement=agreement,
            name="scan.pdf",
            data=samples.scanned_pdf(["FISHERIES AGREEMENT"]),
            extract_later=False,
        )
    assert scan.extraction == Extraction.NEEDS_OCR
    if extract.tesseract_path() is None:
        pytest.skip("Tesseract is not installed (make system-libs)")
    assert main(["archive", "reextract"]) == 0
    assert "1 files extracted again" in capsys.readouterr().out
    scan.refresh_from_db()
    assert scan.extraction == Extraction.OCR and "FISHERIES" in scan.text.upper()


def test_brackets_glued_to_a_latin_run_follow_the_arabic_order():
    # Fragments in visual (left-to-right) order, as pypdf hands them over when
    # the bracket is drawn together with the Latin run.
    visual = [".12", " ", " وفق المادة", ")", "UN Treaty Series(", " ", "لدى الأمم المتحدة"]
    line = extract.order_pdf_line(visual, rtl_base=True)
    assert "(UN Treaty Series)" in line
    # a left-to-right bracketed run drawn in reading order is left whole
    assert extract.order_pdf_line(["(UN)", " ", "المادة"], rtl_base=True) == "المادة (UN)"
