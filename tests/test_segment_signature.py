"""The signature block and the "Nơi nhận:" recipients (segment/signature.py, signers.py)."""

from __future__ import annotations

from pipeline.model import Document, Line, Source
from pipeline.segment import segment_document
from pipeline.segment.signature import parse_signature
from pipeline.segment.signers import deputy_of, nearest_position, spelled_position
from pipeline.segment.signers import split_name_prefix as split_prefix

SIG = "signature"
REC = "recipients"


def signer(lines, blocks=None, witnesses=None):
    signature, recipients = parse_signature(lines, blocks, witnesses)
    return (signature.authority, signature.title, signature.name, signature.name_prefix), recipients


# --- the authority line(s) ------------------------------------------------------------------------


def test_authority_lines_as_printed_and_joined():
    got, _ = signer(["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Hà Văn Bình"])
    assert got == ("TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Hà Văn Bình", None)


def test_authority_lines_merged_by_ocr_into_one():
    got, _ = signer(["TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Hà Văn Bình"])
    assert got[:2] == ("TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")
    got, _ = signer(["KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Lê Thị Hoa"])
    assert got[:2] == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def test_authority_prefix_glued_to_its_position():
    got, _ = signer(["KT.CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Hoa"])
    assert got[0] == "KT. CHỦ TỊCH"


def test_collective_authority_keeps_its_body_and_the_title_under_it():
    got, _ = signer(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Tám"])
    assert got == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Tám", None)


def test_signing_alone_has_no_authority():
    got, _ = signer(["CHỦ TỊCH", "Nguyễn Văn An"], [SIG, SIG])
    assert got == (None, "CHỦ TỊCH", "Nguyễn Văn An", None)


# --- positions ----------------------------------------------------------------------------------


def test_position_marks_restored_from_its_letters():
    assert spelled_position("CHU TÍCH") == "CHỦ TỊCH"
    assert spelled_position("PHO CHU TỊCH") == "PHÓ CHỦ TỊCH"
    assert spelled_position("TRƯỞNG TRẠM Y TẾ") == "TRƯỞNG TRẠM Y TẾ"  # not a listed position
    got, _ = signer(["KT. CHU TICH", "PHO CHU TICH", "Lê Thị Hoa"])
    assert got[:2] == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def test_under_kt_the_signer_is_the_deputy():
    got, _ = signer(["KT. CHỦ TỊCH", "A CHU TICH", "Phạm Văn Bình"])
    assert got[:2] == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert deputy_of("BỘ TRƯỞNG") == "THỨ TRƯỞNG"
    assert deputy_of("HIỆU TRƯỞNG") == "PHÓ HIỆU TRƯỞNG"


def test_garbled_position_in_the_signature_column_read_from_the_ocr_witness():
    lines = ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.", "HIỆU LỰC", "| ị ⁄⁄", "TS. Lê Văn Tâm"]
    blocks = [REC, REC, REC, SIG, SIG, SIG]
    witnesses = ["Nơi nhận:", "- Như điêu 3;", "- Lưu: VT.", "HIỆU TRƯC", "| ị ⁄⁄",
                 "TS. Lế Anh Đức"]
    got, recipients = signer(lines, blocks, witnesses)
    assert got == (None, "HIỆU TRƯỞNG", "Lê Văn Tâm", "TS.")
    assert recipients == ["Như Điều 3;", "Lưu: VT."]
    # without a reading near a position, no title rather than a wrong one
    got, _ = signer(lines, blocks)
    assert got[1] is None


def test_seal_residue_in_the_signature_column_is_no_position():
    assert nearest_position("TỈNH QUẢNG NGÃI") is None
    assert nearest_position("À ` Ậ") is None
    got, _ = signer(["CHỦ TỊCH", "TỈNH QUẢNG NGÃI", "ỦY BAN", "Nguyễn Văn An"], [SIG] * 4)
    assert got[1] == "CHỦ TỊCH"


# --- the name -----------------------------------------------------------------------------------


def test_degree_before_the_name_goes_to_name_prefix():
    assert split_prefix("TS. Lê Văn Tâm") == ("TS.", "Lê Văn Tâm")
    assert split_prefix("PGS.TS. Ngô Văn Hải") == ("PGS.TS.", "Ngô Văn Hải")
    assert split_prefix("ThS. Trần Thu Hà") == ("ThS.", "Trần Thu Hà")
    assert split_prefix("Tsang Văn A") == (None, "Tsang Văn A")
    got, _ = signer(["GIÁM ĐỐC", "ThS. Trần Thu Hà"])
    assert got[2:] == ("Trần Thu Hà", "ThS.")


# --- recipients ---------------------------------------------------------------------------------


def test_signature_column_residue_never_joins_the_last_recipient():
    lines = ["Nơi nhận:", "- Như trên;", "- Lưu: VT", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
             "—\\LauL ———", "À ` Ậ", "Trần Văn Tuấn"]
    blocks = [REC, REC, REC, SIG, SIG, SIG, SIG, SIG]
    got, recipients = signer(lines, blocks)
    assert recipients == ["Như trên;", "Lưu: VT"]
    assert got == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Tuấn", None)


def test_recipient_read_into_the_signature_column_is_kept_apart():
    lines = ["Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT.", "CHỦ TỊCH", "Nguyễn Văn An"]
    got, recipients = signer(lines, [REC, REC, SIG, SIG, SIG])
    assert recipients == ["UBND tỉnh;", "Lưu: VT."]
    assert got[1:3] == ("CHỦ TỊCH", "Nguyễn Văn An")


def test_columns_merged_into_one_line_by_ocr():
    lines = ["Nơi nhận: KT. CHỦ TỊCH", "- Như trên; PHÓ CHỦ TỊCH", "- Lưu: VT.", "Trần Thị Bình"]
    got, recipients = signer(lines)
    assert got == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thị Bình", None)
    assert recipients == ["Như trên;", "Lưu: VT."]


def test_no_signature_gives_all_null():
    got, recipients = signer(["Nơi nhận:", "- Các sở, ngành;", "- Lưu: VT."], [REC] * 3)
    assert got == (None, None, None, None)
    assert recipients == ["Các sở, ngành;", "Lưu: VT."]
    assert signer([])[0] == (None, None, None, None)


# --- through segment_document: blocks and OCR witnesses from the page lines --------------------


def test_segment_document_passes_blocks_and_ocr_witnesses():
    ocr = ["I. VIỆC", "- Làm.", "Nơi nhận:", "- Như trên;", "- Lưu: VT", "HIỆU TRƯC", "k",
           "TS. Lế Anh Đức"]
    restored = ["I. VIỆC", "- Làm.", "Nơi nhận:", "- Như trên;", "- Lưu: VT", "HIỆU LỰC", "k",
                "TS. Lê Văn Tâm"]
    blocks = ["body", "body", REC, REC, REC, SIG, SIG, SIG]
    doc = Document(
        source=Source(file="scan.pdf", sha256="0" * 64, kind="scan", pages=1),
        ocr_lines=ocr, restored_lines=restored,
        page_lines=[Line(text=t, page=1, block=b) for t, b in zip(ocr, blocks, strict=True)],
    )
    out = segment_document(doc)
    assert (out.signature.title, out.signature.name, out.signature.name_prefix) == (
        "HIỆU TRƯỞNG", "Lê Văn Tâm", "TS.")
    assert out.recipients == ["Như trên;", "Lưu: VT"]
