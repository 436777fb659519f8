"""Tests of text extraction: the cleaning rules on small invented PDFs, HTML and text, then the real corpus.

The invented letters are laid out in Courier (every character as wide as the next) so line lengths are exact.
"""

from __future__ import annotations

import ctypes
import io
import re
import textwrap
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from corpus.documents import Document
from corpus.extract import ExtractionError, extract_text

# --- building small PDFs -------------------------------------------------------------------------

WIDTH = 64  # characters in a full line of the invented letters
LEFT, TOP, PITCH, GAP, SIZE = 72.0, 760.0, 12.0, 14.0, 10.0


def make_pdf(pages: list[list[tuple[float, float, str, float]]]) -> bytes:
    """A PDF whose pages carry the given (x, y, text, font size) lines, in that content order."""
    pdf = pdfium.PdfDocument.new()
    for lines in pages:
        page = pdf.new_page(595, 842)
        for x, y, text, size in lines:
            text_object = pdfium_c.FPDFPageObj_NewTextObj(pdf, b"Courier", size)
            encoded = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
            pdfium_c.FPDFText_SetText(text_object, ctypes.cast(encoded, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
            pdfium_c.FPDFPageObj_Transform(text_object, 1, 0, 0, 1, x, y)
            pdfium_c.FPDFPage_InsertObject(page, text_object)
        pdfium_c.FPDFPage_GenerateContent(page)
        page.close()
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def layout(*blocks: str | list[str], top: float = TOP) -> list[tuple[float, float, str, float]]:
    """Lines of a page: a str block is a paragraph wrapped at WIDTH, a list block keeps its lines.

    Blocks are separated by a paragraph gap; a paragraph starting "• " hangs its later lines. (The standard
    PDF fonts know only Windows-1252 characters: other bullet shapes are tested through plain text.)
    """
    lines = []
    y = top
    for block in blocks:
        if isinstance(block, str):
            indent = "  " if block.startswith("• ") else ""
            rows = textwrap.wrap(block, WIDTH, subsequent_indent=indent, break_on_hyphens=False)
        else:
            rows = block
        for row in rows:
            stripped = row.lstrip()
            lines.append((LEFT + 6.0 * (len(row) - len(stripped)), y, stripped, SIZE))
            y -= PITCH
        y -= GAP
    return lines


def pdf_letter(*pages: list[tuple[float, float, str, float]], name: str = "invented letter.pdf") -> str:
    return extract_text(Document(make_pdf(list(pages)), name))


def paragraphs(text: str) -> list[str]:
    return text.rstrip("\n").split("\n\n")


OFSTED_ADDRESS = [
    (72.0, 800.0, "Ofsted", 8.0),
    (72.0, 790.0, "Piccadilly Gate", 8.0),
    (72.0, 780.0, "Store Street", 8.0),
    (72.0, 770.0, "Manchester", 8.0),
    (72.0, 760.0, "M1 2WD", 8.0),
    (170.0, 790.0, "T 0300 123 1231", 8.0),
    (170.0, 780.0, "Textphone 0161 618 8524", 8.0),
    (170.0, 770.0, "enquiries@ofsted.gov.uk", 8.0),
    (170.0, 760.0, "www.gov.uk/ofsted", 8.0),
]

BODY = (
    "Inspectors looked at the arrangements made by the invented council for young people who "
    "are leaving care, and spoke with advisers, managers and several of the young people."
)


def invented_letter() -> str:
    first_page = layout(
        ["2 February 2025"],
        ["Robin Sample", "Director of Children’s Services", "Sampleton Borough Council", "Civic Hall", "SA1 2MP"],
        ["Dear Robin"],
        ["Focused visit to the Royal Borough of Sampleton on the Marsh children’s", "services"],
        BODY,
        ["Headline findings"],
        "• Young people are helped to find stable homes, and advisers keep in touch with them often "
        "enough to notice when things start to go wrong.",
        "• Pathway plans are short.",
        top=700.0,
    )
    # Letters print Ofsted's address at the top of page 1 but carry it last in the page's content.
    return pdf_letter(first_page + OFSTED_ADDRESS)


# --- the letter header and paragraphs ------------------------------------------------------------


def test_header_lines_stay_lines_and_the_date_and_salutation_stand_apart() -> None:
    found = paragraphs(invented_letter())
    assert found[:4] == [
        "2 February 2025",
        "Robin Sample\nDirector of Children’s Services\nSampleton Borough Council\nCivic Hall\nSA1 2MP",
        "Dear Robin",
        "Focused visit to the Royal Borough of Sampleton on the Marsh children’s services",
    ]


def test_paragraph_lines_are_reflowed_into_one_line() -> None:
    assert BODY in paragraphs(invented_letter())


def test_headings_stay_their_own_paragraph() -> None:
    found = paragraphs(invented_letter())
    assert found[found.index("Headline findings") + 1].startswith("• Young people are helped")


def test_each_bullet_item_is_one_paragraph_starting_with_a_round_bullet() -> None:
    found = paragraphs(invented_letter())
    assert found[-2:] == [
        "• Young people are helped to find stable homes, and advisers keep in touch with them often "
        "enough to notice when things start to go wrong.",
        "• Pathway plans are short.",
    ]


def test_ofsted_address_block_is_removed() -> None:
    text = invented_letter()
    for line in ("Ofsted", "Piccadilly", "Store Street", "M1 2WD", "0300 123 1231", "Textphone", "enquiries@"):
        assert line not in text


@pytest.mark.parametrize("bullet", ["•", "-"])
def test_pdf_bullets_become_round_bullets(bullet: str) -> None:
    text = pdf_letter(layout("Leaders agreed on three aims:", [f"{bullet} Fewer changes of adviser."]))
    assert paragraphs(text) == ["Leaders agreed on three aims:", "• Fewer changes of adviser."]


@pytest.mark.parametrize("bullet", ["\uf06e", "◼", "●", "•", "▪", "\uf0b7", "\uf0a7", "\uf02d", "-", "–"])
def test_every_bullet_shape_becomes_a_round_bullet(bullet: str) -> None:
    text = extract_text(Document(f"Three aims:\n{bullet} Fewer changes.\n{bullet}\tMore visits.".encode(), "a.txt"))
    assert paragraphs(text) == ["Three aims:", "• Fewer changes.", "• More visits."]


def test_a_dash_that_continues_a_sentence_is_not_a_bullet() -> None:
    sentence = "The board meets every month and has a clear plan for the coming year"
    text = pdf_letter(layout([sentence[:WIDTH].rsplit(" ", 1)[0], "– which is new – and reviews it often."]))
    assert "•" not in text


def test_a_paragraph_running_over_a_page_break_is_joined() -> None:
    long_paragraph = "Advisers know their young people well and " * 6 + "visit them regularly."
    rows = textwrap.wrap(long_paragraph, WIDTH)
    text = pdf_letter(layout(rows[:3]), layout([" 2"], rows[3:], top=800.0))
    assert paragraphs(text) == [long_paragraph]


def test_a_footnote_between_the_halves_of_a_paragraph_goes_after_the_text() -> None:
    long_paragraph = "Plans for each young person are reviewed with them and " * 5 + "shared with carers."
    rows = textwrap.wrap(long_paragraph, WIDTH)
    footnote = [(72.0, 60.0, "1 An invented note printed in small type.", 7.0)]
    text = pdf_letter(layout(rows[:3]) + footnote, layout(rows[3:], "Advisers are trusted."))
    assert paragraphs(text) == [long_paragraph, "Advisers are trusted.", "1 An invented note printed in small type."]


# --- pages: numbers, running headers, copyright --------------------------------------------------


def test_page_numbers_running_headers_and_copyright_lines_are_removed() -> None:
    title = "Inspection of Sampleshire local authority children’s services"
    teams = ["North", "South", "East", "West"]

    def finding(number: int) -> str:
        team = teams[number - 1]
        return f"{number}. Managers of the {team} team check its work each month and tell the {team} staff."

    def footer(number: int) -> list[tuple[float, float, str, float]]:
        return [(290.0, 40.0, str(number), SIZE), (72.0, 28.0, "© Crown copyright 2025", 8.0)]

    first = layout([title], ["Inspection dates: 1 to 5 May 2025"], finding(1), top=800.0) + footer(1)
    later = [
        layout([title], [f"1 to 5 May 2025 {number}"], finding(number), top=800.0) + footer(number)
        for number in range(2, 5)
    ]
    assert paragraphs(pdf_letter(first, *later)) == [
        title,
        "Inspection dates: 1 to 5 May 2025",
        *(finding(number) for number in range(1, 5)),
    ]


# --- line-break hyphens and odd characters -------------------------------------------------------


def test_line_break_hyphens_keep_real_hyphens_and_join_split_words() -> None:
    text = pdf_letter(
        layout(
            [
                "The council at Stockton-on-",
                "Tees has a self-",
                "assessment that guides decision-",
                "making, and shows improve-",
                "ment. The improvement is clear.",
            ],
            ["Young people said the short-", "and long-term plans were helpful."],
        )
    )
    assert paragraphs(text) == [
        "The council at Stockton-on-Tees has a self-assessment that guides decision-making, and shows "
        "improvement. The improvement is clear.",
        "Young people said the short- and long-term plans were helpful.",
    ]


@pytest.mark.parametrize("elsewhere", ["", "\n\nİzmir and ΟΔΟΣ."])
def test_a_split_word_loses_its_hyphen_only_where_the_document_spells_it_whole(elsewhere: str) -> None:
    # Letters that lower-case into two characters (İ) or by their neighbours (Σ) change nothing.
    text = extract_text(
        Document(
            (
                "Staff improve-\nment is clear: the improvement shows. A self-\nassessment is a self-assessment.\n"
                "The pro-\ngress is progressive. Their mak-\ning is decision-making. The care-\nleavers are "
                "Careleavers." + elsewhere
            ).encode(),
            "note.txt",
        )
    )
    assert text == (
        "Staff improvement is clear: the improvement shows. A self-assessment is a self-assessment. The pro-gress "
        "is progressive. Their mak-ing is decision-making. The careleavers are Careleavers." + elsewhere + "\n"
    )


def test_odd_spaces_become_plain_spaces_and_curly_apostrophes_stay() -> None:
    text = pdf_letter(layout(["The director’s team meets weekly  in the hall.   "]))
    assert text == "The director’s team meets weekly in the hall.\n"
    text = extract_text(Document("Staff\u202fmeet\u2009daily\u200b.\u00a0".encode(), "note.txt"))
    assert text == "Staff meet daily.\n"


def test_a_heading_loses_its_footnote_digit() -> None:
    text = pdf_letter(layout(["Main findings1"], "Leaders know their services well."))
    assert paragraphs(text)[0] == "Main findings"


def test_output_has_no_trailing_spaces_or_runs_of_blank_lines() -> None:
    text = invented_letter()
    assert "\n\n\n" not in text
    assert not [line for line in text.split("\n") if line != line.strip()]


# --- what is not a readable PDF ------------------------------------------------------------------


def test_html_page_saved_as_pdf_is_named_and_described() -> None:
    page = b"<!DOCTYPE html><html><head><title>Report not here</title></head><body>Sorry</body></html>"
    with pytest.raises(ExtractionError) as caught:
        extract_text(Document(page, "downloads/some letter.pdf"))
    assert str(caught.value) == "downloads/some letter.pdf is not a PDF: it is an HTML page titled 'Report not here'"


def test_corrupt_pdf_gives_an_extraction_error_naming_the_file() -> None:
    corrupt = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 4
    with pytest.raises(ExtractionError, match=r"^scrambled\.pdf is a damaged PDF: \w"):
        extract_text(Document(corrupt, "scrambled.pdf"))


def test_truncated_pdf_gives_an_extraction_error_naming_the_file() -> None:
    whole = make_pdf([layout(BODY)])
    with pytest.raises(ExtractionError, match=r"^half\.pdf is a damaged PDF"):
        extract_text(Document(whole[: len(whole) // 2], "half.pdf"))


def test_a_page_the_pdf_counts_but_lacks_gives_an_extraction_error_naming_the_file_and_page() -> None:
    whole = make_pdf([layout(BODY), layout(BODY)])
    assert b"/Count 2" in whole
    with pytest.raises(ExtractionError) as caught:
        extract_text(Document(whole.replace(b"/Count 2", b"/Count 3", 1), "short.pdf"))
    assert str(caught.value) == "short.pdf is a damaged PDF: page 3 cannot be read (Failed to load page.)"


def test_empty_file_and_pdf_without_text_give_extraction_errors() -> None:
    with pytest.raises(ExtractionError, match=r"^nothing\.pdf is not a PDF: the file is empty"):
        extract_text(Document(b"", "nothing.pdf"))
    with pytest.raises(ExtractionError, match=r"^scan\.pdf has no text layer"):
        extract_text(Document(make_pdf([[]]), "scan.pdf"))


# --- HTML and plain text -------------------------------------------------------------------------


def test_html_letter_gives_its_main_text_with_the_same_shape() -> None:
    page = """<!doctype html><html><head><title>A letter</title><script>var x = 1;</script></head>
    <body><nav>Home | Reports</nav><main>
    <p>7 July 2024</p><p>Sam Invented<br>Director of Children&rsquo;s Services<br>Town Hall</p>
    <p>Dear&nbsp;Sam</p><h2>Focused visit to Inventshire children&rsquo;s services</h2>
    <p>Inspectors met
       young people and their advisers.</p>
    <ul><li>Plans are <strong>clear</strong>.</li><li>Advisers visit often.</li></ul>
    </main><footer>Cookies and privacy</footer></body></html>"""
    text = extract_text(Document(page.encode(), "letter.html"))
    assert paragraphs(text) == [
        "7 July 2024",
        "Sam Invented\nDirector of Children’s Services\nTown Hall",
        "Dear Sam",
        "Focused visit to Inventshire children’s services",
        "Inspectors met young people and their advisers.",
        "• Plans are clear.",
        "• Advisers visit often.",
    ]


def test_text_file_is_read_as_utf8_and_reflowed() -> None:
    letter = (
        "3 March 2023\nLee Madeup\nDirector of Children’s Services\n\nDear Lee\n\n"
        "Inspectors spoke with social workers and\nmanagers over two days.\n\n◼ Visits happen on time.\n"
    )
    text = extract_text(Document(letter.encode("utf-8"), "letter.txt"))
    assert paragraphs(text) == [
        "3 March 2023",
        "Lee Madeup\nDirector of Children’s Services",
        "Dear Lee",
        "Inspectors spoke with social workers and managers over two days.",
        "• Visits happen on time.",
    ]


def test_a_file_whose_bytes_contradict_its_name_gives_an_extraction_error() -> None:
    pdf = make_pdf([layout(BODY)])
    with pytest.raises(ExtractionError, match=r"^notes\.txt is not plain text: it is a PDF$"):
        extract_text(Document(pdf, "notes.txt"))
    with pytest.raises(ExtractionError, match=r"^page\.html is not an HTML page: it is a PDF$"):
        extract_text(Document(pdf, "page.html"))


def test_text_file_in_windows_encoding_falls_back_to_cp1252() -> None:
    text = extract_text(Document("The team’s café – open late.\r\n".encode("cp1252"), "note.txt"))
    assert text == "The team’s café – open late.\n"


# --- the real corpus -----------------------------------------------------------------------------

ADDRESS_LINE = re.compile(
    r"^(?:Piccadilly Gate|Store Street|Manchester M1 2WD|M1 2WD|T:? ?0300 123 1231|Textphone:? ?0161 618 8524"
    r"|(?:E: ?)?enquiries@ofsted\.gov\.uk|(?:W: ?)?www\.gov\.uk/ofsted)$"
)
STRANGE_CHARACTERS = re.compile("[\ufffe\u00a0\u202f\ue000-\uf8ff◼▪]")


def corpus_pdfs(manifest: list[dict[str, str]]) -> list[Path]:
    return [Path(row["file"]) for row in manifest if row["file"].endswith(".pdf")]


def real_pdf_head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(1024)


@pytest.mark.corpus
def test_every_real_pdf_yields_text_and_only_non_pdfs_fail(
    manifest: list[dict[str, str]], corpus_texts: dict[str, str | None]
) -> None:
    not_pdfs = {str(path) for path in corpus_pdfs(manifest) if b"%PDF" not in real_pdf_head(path)}
    failed = {path for path, text in corpus_texts.items() if text is None}
    assert not_pdfs, "the corpus should hold HTML error pages saved as .pdf"
    assert failed == not_pdfs
    short = [path for path, text in corpus_texts.items() if text is not None and len(text) < 2000]
    assert not short


@pytest.mark.corpus
def test_html_pages_saved_as_pdf_in_the_corpus_give_errors_naming_them(manifest: list[dict[str, str]]) -> None:
    for path in corpus_pdfs(manifest):
        if b"%PDF" not in real_pdf_head(path):
            with pytest.raises(ExtractionError) as caught:
                extract_text(Document(path.read_bytes(), str(path)))
            assert str(caught.value).startswith(f"{path} is not a PDF: it is an HTML page titled ")


@pytest.mark.corpus
def test_a_truncated_real_pdf_gives_an_error_naming_it(manifest: list[dict[str, str]]) -> None:
    path = next(path for path in corpus_pdfs(manifest) if b"%PDF" in real_pdf_head(path))
    content = path.read_bytes()
    with pytest.raises(ExtractionError, match=r"is a damaged PDF"):
        extract_text(Document(content[: len(content) // 3], str(path)))


@pytest.mark.corpus
def test_no_address_block_page_number_or_odd_character_survives(corpus_texts: dict[str, str | None]) -> None:
    problems = []
    for path, text in corpus_texts.items():
        for line in (text or "").split("\n"):
            if (
                ADDRESS_LINE.match(line)
                or re.fullmatch(r"\d{1,3}", line)
                or STRANGE_CHARACTERS.search(line)
                or line != line.strip()
                or "Piccadilly Gate" in line
                or "Textphone" in line
            ):
                problems.append((path, line[:200]))
        if text and "\n\n\n" in text:
            problems.append((path, "a run of blank lines"))
    assert not problems


@pytest.mark.corpus
def test_real_bullets_become_round_bullet_paragraphs(
    manifest: list[dict[str, str]], corpus_texts: dict[str, str | None]
) -> None:
    letters = [corpus_texts[row["file"]] for row in manifest if row["collection"] == "focused-visits"]
    with_bullets = [text for text in letters if text and "\n\n• " in text]
    assert len(with_bullets) > 0.9 * len(letters)
    for text in with_bullets:
        assert not re.search(r"\S •", text)


@pytest.mark.corpus
def test_real_focused_visit_letters_open_with_header_salutation_and_one_line_title(
    manifest: list[dict[str, str]], corpus_texts: dict[str, str | None]
) -> None:
    wrong = []
    for row in manifest:
        text = corpus_texts[row["file"]]
        if row["collection"] != "focused-visits" or not text:
            continue
        found = paragraphs(text)
        salutation = next(index for index, paragraph in enumerate(found) if paragraph.startswith("Dear "))
        title, summary = found[salutation + 1 : salutation + 3]
        if not re.fullmatch(r"Focused visit to [^\n]{5,90}", title) or not summary.startswith(("This", "Her ")):
            wrong.append((row["file"], title[:100]))
    assert not wrong


@pytest.mark.corpus
def test_real_hyphenated_place_names_keep_their_hyphens(corpus_texts: dict[str, str | None]) -> None:
    spellings = set()
    for text in corpus_texts.values():
        spellings.update(re.findall(r"\b(?:Stockton|Stoke|Southend)[\w-]*(?:Tees|Trent|Sea)\b", text or ""))
    assert {"Stockton-on-Tees", "Stoke-on-Trent", "Southend-on-Sea"} <= spellings
    assert all(re.fullmatch(r"\w+-on-\w+", spelling, re.IGNORECASE) for spelling in spellings)
