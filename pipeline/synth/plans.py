"""Invented plans written for this project (communes, people and document numbers are made up;
only the nationally known documents cited, such as Resolution 57-NQ/TW, are real).

Text is NFC with the tone placement of current official style (hòa, thủy, Ủy ban).
"""

from __future__ import annotations

from pipeline.synth.spec import (
    Appendix,
    Para,
    Plan,
    Ref,
    Section,
    Signature,
    TaskGroup,
    TaskRow,
)

UBND = "ỦY BAN NHÂN DÂN"


def item(text: str, marker: str = "-") -> Para:
    return Para(text, marker)


# -- 1. Digital transformation, xã Thạch Phong: three pages and a portrait appendix ----------

_NQ57 = Ref("Nghị quyết", "57", "NQ/TW", "22/12/2024", "Bộ Chính trị")
_QD_NGHE_AN = Ref("Quyết định", "215", "QĐ-UBND", "16/01/2026", "UBND tỉnh Nghệ An")
_KH_DANG_UY = Ref("Kế hoạch", "09", "KH/ĐU", "20/01/2026", "Đảng ủy xã Thạch Phong")

_THACH_PHONG_TASKS = Appendix(
    label="Phụ lục",
    title="DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2026",
    attached_to="(Ban hành kèm theo Kế hoạch số 18/KH-UBND ngày 09/02/2026 "
    "của Ủy ban nhân dân xã Thạch Phong)",
    groups=(
        TaskGroup("1", "Phát triển hạ tầng số và dữ liệu số", (
            TaskRow("1.1", "Nâng cấp mạng nội bộ và thiết bị tại bộ phận một cửa",
                    "Văn phòng HĐND và UBND", "Doanh nghiệp viễn thông",
                    "Hệ thống mạng, thiết bị được nâng cấp", "Quý II/2026"),
            TaskRow("1.2", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
                    "Văn phòng HĐND và UBND", "Các phòng chuyên môn",
                    "Dữ liệu số hóa được cập nhật lên hệ thống", "Thường xuyên"),
            TaskRow("1.3", "Làm sạch dữ liệu dân cư, đất đai, hộ nghèo", "Phòng Kinh tế",
                    "Công an xã; các thôn", "Cơ sở dữ liệu đúng, đủ, sạch, sống",
                    "Tháng 9/2026"),
            TaskRow("1.4", "Lắp đặt điểm phát sóng wifi miễn phí tại nhà văn hóa các thôn",
                    "Phòng Văn hóa - Xã hội", "Doanh nghiệp viễn thông; các thôn",
                    "Mỗi thôn có 01 điểm wifi", "Tháng 8/2026"),
        )),
        TaskGroup("2", "Phát triển chính quyền số", (
            TaskRow("2.1", "Xử lý hồ sơ công việc trên hệ thống quản lý văn bản và điều hành",
                    "Văn phòng HĐND và UBND", "Các phòng, đơn vị thuộc UBND xã",
                    "Báo cáo kết quả hằng quý", "Thường xuyên"),
            TaskRow("2.2", "Công khai thủ tục hành chính trên trang thông tin điện tử của xã",
                    "Văn phòng HĐND và UBND", "Phòng Văn hóa - Xã hội",
                    "Danh mục thủ tục được công khai", "Quý I/2026"),
            TaskRow("2.3", "Cấp và sử dụng chữ ký số cho cán bộ, công chức",
                    "Văn phòng HĐND và UBND", "Các phòng, đơn vị thuộc UBND xã",
                    "100% công chức có chữ ký số", "Quý II/2026"),
            TaskRow("2.4", "Duy trì hoạt động trang thông tin điện tử của xã",
                    "Phòng Văn hóa - Xã hội", "Văn phòng HĐND và UBND",
                    "Tin, bài được cập nhật hằng tuần", "Thường xuyên"),
        )),
        TaskGroup("3", "Phát triển kinh tế số và xã hội số", (
            TaskRow("3.1", "Hỗ trợ đưa sản phẩm OCOP lên sàn thương mại điện tử",
                    "Phòng Kinh tế", "Hợp tác xã; hộ sản xuất",
                    "Ít nhất 05 sản phẩm được đưa lên sàn", "Tháng 10/2026"),
            TaskRow("3.2", "Mở lớp bồi dưỡng kỹ năng số cho người dân",
                    "Phòng Văn hóa - Xã hội", "Đoàn Thanh niên; Hội Liên hiệp Phụ nữ",
                    "04 lớp, 200 lượt người tham gia", "Hằng năm"),
            TaskRow("3.3", "Tuyên truyền thanh toán không dùng tiền mặt tại chợ xã",
                    "Phòng Kinh tế", "Ngân hàng thương mại; Ban quản lý chợ",
                    "Tiểu thương sử dụng mã QR", "Quý III/2026"),
            TaskRow("3.4", "Sơ kết, đánh giá kết quả thực hiện Kế hoạch",
                    "Văn phòng HĐND và UBND", "Các phòng, đơn vị; các thôn",
                    "Báo cáo sơ kết", "Tháng 12/2026"),
        )),
    ),
)

THACH_PHONG_DIGITAL = Plan(
    name="plan_thach_phong_cds",
    header_left=(UBND, "XÃ THẠCH PHONG"),
    issuer="ỦY BAN NHÂN DÂN XÃ THẠCH PHONG",
    issuer_parent=None,
    number="18/KH-UBND",
    place="Thạch Phong",
    date="2026-02-09",
    summary=(
        "Thực hiện chuyển đổi số, phát triển chính quyền số",
        "trên địa bàn xã Thạch Phong năm 2026",
    ),
    legal_basis=(
        f"Căn cứ {_NQ57.text} về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số quốc gia;",
        f"Căn cứ {_QD_NGHE_AN.text} về việc ban hành Kế hoạch chuyển đổi số tỉnh Nghệ An "
        "năm 2026;",
        f"Căn cứ {_KH_DANG_UY.text} về lãnh đạo thực hiện nhiệm vụ chuyển đổi số năm 2026, "
        "Ủy ban nhân dân xã Thạch Phong ban hành Kế hoạch thực hiện như sau:",
    ),
    sections=(
        Section("I", "MỤC ĐÍCH, YÊU CẦU", subsections=(
            Section("1", "Mục đích", (
                item("Đẩy mạnh ứng dụng công nghệ số trong hoạt động của cơ quan nhà nước xã, "
                     "nâng cao chất lượng phục vụ người dân và doanh nghiệp; từng bước hình "
                     "thành chính quyền số, kinh tế số và xã hội số ở cơ sở."),
                item("Phát huy vai trò của Tổ công nghệ số cộng đồng tại các thôn trong việc "
                     "hướng dẫn người dân sử dụng dịch vụ công trực tuyến, ứng dụng định danh "
                     "điện tử và thanh toán không dùng tiền mặt."),
            )),
            Section("2", "Yêu cầu", (
                item("Các nhiệm vụ phải được phân công cụ thể, rõ người, rõ việc, rõ thời gian "
                     "hoàn thành và kết quả; gắn trách nhiệm người đứng đầu với kết quả chuyển "
                     "đổi số của đơn vị."),
                item("Bảo đảm an toàn thông tin mạng, bảo vệ dữ liệu cá nhân trong quá trình "
                     "triển khai các nền tảng số."),
            )),
        )),
        Section("II", "MỤC TIÊU", (
            Para("Phấn đấu đến hết năm 2026, xã Thạch Phong đạt các chỉ tiêu chủ yếu sau:"),
            item("100% hồ sơ công việc tại Ủy ban nhân dân xã được xử lý trên môi trường mạng "
                 "(trừ hồ sơ mật);"),
            item("Tối thiểu 80% thủ tục hành chính đủ điều kiện được tiếp nhận và giải quyết "
                 "trực tuyến toàn trình;"),
            item("Trên 70% người trưởng thành có tài khoản định danh điện tử mức độ 2 và sử "
                 "dụng thành thạo ít nhất một dịch vụ công trực tuyến;"),
            item("Mỗi thôn có ít nhất một điểm phát sóng wifi miễn phí tại nhà văn hóa."),
        )),
        Section("III", "NHIỆM VỤ VÀ GIẢI PHÁP", subsections=(
            Section("1", "Phát triển hạ tầng số và dữ liệu số", (
                item("Rà soát, nâng cấp mạng nội bộ, thiết bị đầu cuối của bộ phận một cửa; "
                     "phối hợp với doanh nghiệp viễn thông mở rộng vùng phủ sóng di động 4G, 5G "
                     "tại các thôn vùng đồi."),
                item("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực; cập "
                     "nhật, làm sạch dữ liệu dân cư, đất đai, hộ nghèo theo hướng đúng, đủ, "
                     "sạch, sống."),
            )),
            Section("2", "Phát triển chính quyền số", (
                item("Sử dụng hiệu quả hệ thống quản lý văn bản và điều hành, chữ ký số chuyên "
                     "dùng; tổ chức các cuộc họp trực tuyến khi đủ điều kiện."),
                item("Công khai đầy đủ, kịp thời các thủ tục hành chính trên Cổng Dịch vụ công "
                     "quốc gia và trang thông tin điện tử của xã."),
            )),
            Section("3", "Phát triển kinh tế số và xã hội số", (
                item("Hỗ trợ hợp tác xã, hộ sản xuất đưa sản phẩm OCOP lên các sàn thương mại "
                     "điện tử; khuyến khích các hộ kinh doanh sử dụng mã QR trong thanh toán."),
                item("Tổ chức các lớp bồi dưỡng kỹ năng số cho cán bộ, công chức, thành viên Tổ "
                     "công nghệ số cộng đồng và người dân, trong đó ưu tiên thanh niên, phụ nữ "
                     "và người cao tuổi."),
            )),
        )),
        Section("IV", "KINH PHÍ THỰC HIỆN", (
            Para("Kinh phí thực hiện Kế hoạch được bố trí từ nguồn ngân sách xã năm 2026, nguồn "
                 "hỗ trợ của cấp trên và các nguồn huy động hợp pháp khác theo quy định."),
        )),
        Section("V", "TỔ CHỨC THỰC HIỆN", subsections=(
            Section("1", "Văn phòng HĐND và UBND xã", (
                item("Chủ trì, theo dõi, đôn đốc các đơn vị triển khai Kế hoạch; tổng hợp, báo "
                     "cáo kết quả thực hiện về Ủy ban nhân dân xã trước ngày 15 tháng 12 năm "
                     "2026."),
            )),
            Section("2", "Phòng Văn hóa - Xã hội", (
                item("Chủ trì công tác tuyên truyền về chuyển đổi số trên hệ thống truyền thanh "
                     "và các nền tảng mạng xã hội; hướng dẫn hoạt động của Tổ công nghệ số cộng "
                     "đồng."),
            )),
            Section("3", "Các thôn", (
                item("Phối hợp tuyên truyền, vận động Nhân dân tham gia; bố trí địa điểm tổ "
                     "chức các lớp hướng dẫn kỹ năng số tại nhà văn hóa thôn."),
            )),
        )),
    ),
    closing="Trên đây là Kế hoạch thực hiện chuyển đổi số, phát triển chính quyền số trên địa "
    "bàn xã Thạch Phong năm 2026. Trong quá trình triển khai, nếu có khó khăn, vướng mắc, các "
    "đơn vị kịp thời báo cáo Ủy ban nhân dân xã (qua Văn phòng HĐND và UBND) để xem xét, giải "
    "quyết./.",
    signature=Signature("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Minh Hằng"),
    recipients=(
        "Sở Khoa học và Công nghệ tỉnh (b/c);",
        "Thường trực Đảng ủy xã (b/c);",
        "Chủ tịch, các Phó Chủ tịch UBND xã;",
        "Các phòng, đơn vị thuộc UBND xã;",
        "Các thôn;",
        "Lưu: VT, VP.",
    ),
    appendices=(_THACH_PHONG_TASKS,),
    references=(_NQ57, _QD_NGHE_AN, _KH_DANG_UY),
)


# -- 2. Rural roads and new countryside, xã Hưng Long Tây: a landscape appendix ---------------

_QD_263 = Ref("Quyết định", "263", "QĐ-TTg", "22/02/2022", "Thủ tướng Chính phủ")
_KH_DONG_THAP = Ref("Kế hoạch", "318", "KH-UBND", "30/10/2025", "UBND tỉnh Đồng Tháp")
_NQ_HDND = Ref("Nghị quyết", "12", "NQ-HĐND", "26/12/2025", "Hội đồng nhân dân xã Hưng Long Tây")

_HUNG_LONG_WORKS = Appendix(
    label="Phụ lục",
    title="DANH MỤC CÔNG TRÌNH GIAO THÔNG NÔNG THÔN GIAI ĐOẠN 2026 - 2027",
    attached_to="(Ban hành kèm theo Kế hoạch số 07/KH-UBND ngày 15/01/2026 "
    "của UBND xã Hưng Long Tây)",
    landscape=True,
    groups=(
        TaskGroup("1", "Đường trục ấp, liên ấp và đường nội đồng", (
            TaskRow("1.1", "Bê tông hóa đường liên ấp Long Hòa - Long Thạnh, dài 1,8 km",
                    "Phòng Kinh tế", "Ban nhân dân ấp Long Hòa, ấp Long Thạnh",
                    "Công trình được nghiệm thu, đưa vào sử dụng", "Quý III/2026"),
            TaskRow("1.2", "Nâng cấp đường trục ấp Tân Hưng, dài 2,2 km", "Phòng Kinh tế",
                    "Ban nhân dân ấp Tân Hưng", "Mặt đường rộng 3,5 m", "Quý IV/2026"),
            TaskRow("1.3", "Mở rộng đường nội đồng dọc kênh Ba Thước, dài 2,5 km",
                    "Phòng Kinh tế", "Hợp tác xã nông nghiệp Hưng Long",
                    "Đường nội đồng đạt chuẩn", "Tháng 6/2027"),
            TaskRow("1.4", "Gia cố lề đường ven kênh Xẻo Mít, dài 1,2 km", "Phòng Kinh tế",
                    "Ban nhân dân ấp Long Thạnh", "Lề đường được gia cố, chống sạt lở",
                    "Quý I/2027"),
        )),
        TaskGroup("2", "Cầu giao thông nông thôn", (
            TaskRow("2.1", "Xây dựng lại cầu Rạch Sậy", "Phòng Kinh tế",
                    "Công an xã; Ban nhân dân ấp Long Hòa", "Cầu bê tông tải trọng 5 tấn",
                    "Quý II/2026"),
            TaskRow("2.2", "Sửa chữa 03 cầu trên tuyến kênh Cái Bường", "Phòng Kinh tế",
                    "Ban nhân dân các ấp", "03 cầu được sửa chữa, bảo đảm an toàn",
                    "Tháng 12/2026"),
            TaskRow("2.3", "Lắp đặt biển báo tải trọng tại các cầu", "Phòng Kinh tế",
                    "Công an xã", "08 biển báo được lắp đặt", "Quý III/2026"),
        )),
        TaskGroup("3", "Chiếu sáng và cảnh quan", (
            TaskRow("3.1", "Lắp đặt đèn chiếu sáng trên đường trục chính của xã",
                    "Phòng Kinh tế", "Hội Cựu chiến binh; Đoàn Thanh niên",
                    "120 bộ đèn năng lượng mặt trời", "Quý I/2027"),
            TaskRow("3.2", "Trồng cây xanh, hàng rào hoa trên các tuyến đường",
                    "Ủy ban MTTQ Việt Nam xã", "Hội Liên hiệp Phụ nữ; các ấp",
                    "05 tuyến đường kiểu mẫu", "Thường xuyên"),
            TaskRow("3.3", "Vận động Nhân dân chỉnh trang cổng, hàng rào trước nhà",
                    "Ủy ban MTTQ Việt Nam xã", "Các đoàn thể; Ban nhân dân các ấp",
                    "Trên 300 hộ tham gia", "Hằng năm"),
        )),
    ),
)

HUNG_LONG_ROADS = Plan(
    name="plan_hung_long_tay_giao_thong",
    header_left=(UBND, "XÃ HƯNG LONG TÂY"),
    issuer="ỦY BAN NHÂN DÂN XÃ HƯNG LONG TÂY",
    issuer_parent=None,
    number="07/KH-UBND",
    place="Hưng Long Tây",
    date="2026-01-15",
    summary=(
        "Xây dựng, nâng cấp đường giao thông nông thôn",
        "gắn với xây dựng nông thôn mới nâng cao giai đoạn 2026 - 2027",
    ),
    legal_basis=(
        f"Căn cứ {_QD_263.text} phê duyệt Chương trình mục tiêu quốc gia xây dựng nông thôn "
        "mới giai đoạn 2021 - 2025;",
        f"Căn cứ {_KH_DONG_THAP.text} về phát triển giao thông nông thôn trên địa bàn tỉnh;",
        f"Căn cứ {_NQ_HDND.text} về kế hoạch đầu tư công năm 2026, Ủy ban nhân dân xã xây "
        "dựng Kế hoạch như sau:",
    ),
    sections=(
        Section("I", "MỤC ĐÍCH, YÊU CẦU", (
            item("Cụ thể hóa các tiêu chí về giao thông trong bộ tiêu chí xã nông thôn mới nâng "
                 "cao; huy động sức mạnh tổng hợp của cả hệ thống chính trị và Nhân dân tham gia "
                 "làm đường giao thông nông thôn."),
            item("Việc đầu tư phải công khai, minh bạch, đúng quy hoạch, bảo đảm chất lượng công "
                 "trình; phát huy vai trò của Ban giám sát đầu tư của cộng đồng."),
        )),
        Section("II", "MỤC TIÊU", subsections=(
            Section("1", "Mục tiêu chung", (
                Para("Hoàn thiện hệ thống giao thông nông thôn của xã theo hướng đồng bộ, kết "
                     "nối giữa các ấp, phục vụ sản xuất và đi lại của Nhân dân, góp phần giữ "
                     "vững các tiêu chí nông thôn mới đã đạt."),
            )),
            Section("2", "Mục tiêu cụ thể", (
                item("Cứng hóa 6,5 km đường trục ấp, liên ấp với mặt đường bê tông xi măng rộng "
                     "từ 3,5 m trở lên;"),
                item("Nâng cấp 04 cây cầu giao thông nông thôn bị xuống cấp, bảo đảm tải trọng "
                     "cho xe cơ giới nhỏ;"),
                item("Lắp đặt hệ thống đèn chiếu sáng trên các tuyến đường trục chính của xã."),
            )),
        )),
        Section("III", "NHIỆM VỤ, GIẢI PHÁP", subsections=(
            Section("1", "Công tác tuyên truyền, vận động", (
                item("Tuyên truyền sâu rộng phương châm Nhà nước và Nhân dân cùng làm; vận động "
                     "các hộ dân hiến đất, tháo dỡ vật kiến trúc, di dời cây trồng để mở rộng "
                     "mặt đường."),
            )),
            Section("2", "Công tác đầu tư xây dựng", (
                item("Lập danh mục công trình ưu tiên theo thứ tự cấp thiết, trình Hội đồng "
                     "nhân dân xã xem xét, quyết định."),
                item("Lựa chọn nhà thầu đủ năng lực; tăng cường kiểm tra, giám sát chất lượng, "
                     "tiến độ thi công và công tác nghiệm thu, bàn giao công trình, cụ thể:"),
                item("Các tuyến đường sau khi hoàn thành được giao cho Ban nhân dân ấp quản lý, "
                     "duy tu, bảo dưỡng;", "+"),
                item("Trồng cây xanh, hàng rào hoa hai bên đường theo mô hình tuyến đường kiểu "
                     "mẫu.", "+"),
            )),
        )),
        Section("IV", "KINH PHÍ THỰC HIỆN", (
            Para("Tổng kinh phí dự kiến 18.600 triệu đồng, trong đó: ngân sách tỉnh hỗ trợ "
                 "11.200 triệu đồng; ngân sách xã 4.900 triệu đồng; Nhân dân đóng góp bằng tiền, "
                 "ngày công và hiến đất quy đổi 2.500 triệu đồng."),
        )),
        Section("V", "TỔ CHỨC THỰC HIỆN", subsections=(
            Section("1", "Phòng Kinh tế", (
                item("Là cơ quan thường trực, tham mưu Ủy ban nhân dân xã triển khai Kế hoạch; "
                     "hướng dẫn hồ sơ, thủ tục đầu tư và theo dõi tiến độ các công trình."),
            )),
            Section("2", "Ủy ban Mặt trận Tổ quốc Việt Nam xã và các đoàn thể", (
                item("Vận động đoàn viên, hội viên và Nhân dân tích cực hiến đất, đóng góp ngày "
                     "công; giám sát việc sử dụng các khoản đóng góp của Nhân dân."),
            )),
            Section("3", "Ban nhân dân các ấp", (
                item("Tổ chức họp dân lấy ý kiến về phương án đầu tư, mức đóng góp; quản lý, bảo "
                     "vệ các tuyến đường sau khi đưa vào sử dụng."),
            )),
        )),
    ),
    closing="Trên đây là Kế hoạch xây dựng, nâng cấp đường giao thông nông thôn giai đoạn 2026 "
    "- 2027 của Ủy ban nhân dân xã Hưng Long Tây. Yêu cầu các đơn vị, các ấp nghiêm túc triển "
    "khai thực hiện./.",
    signature=Signature("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Phước"),
    recipients=(
        "UBND tỉnh Đồng Tháp (b/c);",
        "Sở Xây dựng (b/c);",
        "TT Đảng ủy, HĐND xã (b/c);",
        "UBMTTQVN xã;",
        "Như mục V;",
        "Lưu: VT.",
    ),
    appendices=(_HUNG_LONG_WORKS,),
    references=(_QD_263, _KH_DONG_THAP, _NQ_HDND),
)


# -- 3. Disaster prevention, xã Hòa Khánh Thượng: one page, no appendix ----------------------

_CT_QUANG_TRI = Ref("Chỉ thị", "05", "CT-UBND", "12/3/2026", "UBND tỉnh Quảng Trị")

HOA_KHANH_DISASTER = Plan(
    name="plan_hoa_khanh_thuong_pctt",
    header_left=(UBND, "XÃ HÒA KHÁNH THƯỢNG"),
    issuer="ỦY BAN NHÂN DÂN XÃ HÒA KHÁNH THƯỢNG",
    issuer_parent=None,
    number="41/KH-UBND",
    place="Hòa Khánh Thượng",
    date="2026-04-06",
    summary=("Phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026",),
    legal_basis=(
        f"Căn cứ {_CT_QUANG_TRI.text} về công tác phòng, chống thiên tai và tìm kiếm cứu nạn "
        "năm 2026, Ủy ban nhân dân xã ban hành Kế hoạch như sau:",
    ),
    sections=(
        Section("I", "MỤC ĐÍCH, YÊU CẦU", (
            item("Chủ động phòng ngừa, ứng phó kịp thời, hiệu quả với các loại hình thiên tai, "
                 "giảm đến mức thấp nhất thiệt hại về người và tài sản của Nhân dân."),
            item("Thực hiện tốt phương châm bốn tại chỗ: chỉ huy tại chỗ, lực lượng tại chỗ, "
                 "phương tiện, vật tư tại chỗ và hậu cần tại chỗ."),
        )),
        Section("II", "NHIỆM VỤ TRỌNG TÂM", (
            item("Kiện toàn Ban Chỉ huy phòng thủ dân sự xã; phân công thành viên phụ trách "
                 "từng thôn, từng khu vực xung yếu."),
            item("Rà soát các hộ dân sống ở vùng trũng thấp, ven sông, khu vực có nguy cơ sạt "
                 "lở đất; xây dựng phương án sơ tán cụ thể trước mùa mưa bão."),
            item("Chuẩn bị lương thực, nước uống, thuốc men và phương tiện cứu hộ tại các điểm "
                 "xung yếu; kiểm tra hệ thống loa cảnh báo ở các thôn."),
        )),
        Section("III", "KINH PHÍ", (
            Para("Kinh phí thực hiện từ nguồn dự phòng ngân sách xã và Quỹ phòng, chống thiên "
                 "tai theo quy định."),
        )),
        Section("IV", "TỔ CHỨC THỰC HIỆN", (
            Para("Các thành viên Ban Chỉ huy, các phòng, đơn vị và Trưởng thôn căn cứ nhiệm vụ "
                 "được giao chủ động triển khai thực hiện; báo cáo kết quả về Ủy ban nhân dân "
                 "xã trước ngày 30 tháng 11 năm 2026."),
        )),
    ),
    closing="Trên đây là Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026 của Ủy "
    "ban nhân dân xã Hòa Khánh Thượng./.",
    signature=Signature("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hồ Đăng Khoa"),
    recipients=(
        "Ban Chỉ huy PTDS tỉnh (b/c);",
        "TT Đảng ủy, HĐND xã;",
        "Thành viên BCH PTDS xã;",
        "Các thôn;",
        "Lưu: VT.",
    ),
    references=(_CT_QUANG_TRI,),
)


# -- 4. Vaccination, Trạm Y tế xã Đông Sơn Hạ: a parent body and a signer without TM./KT. -----

_QD_SO_Y_TE = Ref("Quyết định", "1560", "QĐ-SYT", "10/02/2026", "Sở Y tế tỉnh Thanh Hóa")
_KH_DONG_SON = Ref("Kế hoạch", "22", "KH-UBND", "20/02/2026", "UBND xã Đông Sơn Hạ")

_DONG_SON_SCHEDULE = Appendix(
    label="Phụ lục",
    title="LỊCH TRIỂN KHAI CÁC HOẠT ĐỘNG TIÊM CHỦNG NĂM 2026",
    attached_to="(Kèm theo Kế hoạch số 15/KH-TYT ngày 02/3/2026 của Trạm Y tế xã Đông Sơn Hạ)",
    groups=(
        TaskGroup("1", "Công tác chuẩn bị", (
            TaskRow("1.1", "Rà soát, lập danh sách trẻ trong độ tuổi tiêm chủng", "Trạm Y tế",
                    "Nhân viên y tế thôn", "Danh sách đối tượng được cập nhật", "Hằng tháng"),
            TaskRow("1.2", "Tiếp nhận, bảo quản vắc xin và vật tư tiêm chủng", "Trạm Y tế",
                    "Trung tâm Kiểm soát bệnh tật tỉnh", "Sổ theo dõi nhiệt độ tủ lạnh",
                    "Thường xuyên"),
        )),
        TaskGroup("2", "Tổ chức tiêm chủng", (
            TaskRow("2.1", "Tiêm chủng thường xuyên cho trẻ dưới 1 tuổi", "Trạm Y tế",
                    "Các thôn", "Trên 95% trẻ được tiêm đủ mũi", "Ngày 10 hằng tháng"),
            TaskRow("2.2", "Tiêm bù, tiêm vét cho trẻ chưa tiêm đủ mũi", "Trạm Y tế",
                    "Nhân viên y tế thôn", "Danh sách trẻ được tiêm bù", "Quý III/2026"),
            TaskRow("2.3", "Tiêm vắc xin phòng uốn ván cho phụ nữ có thai", "Trạm Y tế",
                    "Hội Liên hiệp Phụ nữ xã", "Trên 90% phụ nữ có thai được tiêm",
                    "Thường xuyên"),
        )),
    ),
)

DONG_SON_VACCINATION = Plan(
    name="plan_dong_son_ha_tiem_chung",
    header_left=("UBND XÃ ĐÔNG SƠN HẠ", "TRẠM Y TẾ"),
    issuer="TRẠM Y TẾ",
    issuer_parent="UBND XÃ ĐÔNG SƠN HẠ",
    number="15/KH-TYT",
    place="Đông Sơn Hạ",
    date="2026-03-02",
    summary=("Tiêm chủng mở rộng năm 2026",),
    legal_basis=(
        f"Căn cứ {_QD_SO_Y_TE.text} về việc giao chỉ tiêu tiêm chủng mở rộng năm 2026;",
        f"Căn cứ {_KH_DONG_SON.text} về công tác y tế, dân số năm 2026, Trạm Y tế xã xây "
        "dựng Kế hoạch tiêm chủng mở rộng năm 2026 như sau:",
    ),
    sections=(
        Section("I", "MỤC TIÊU", subsections=(
            Section("1", "Mục tiêu chung", (
                Para("Duy trì tỷ lệ tiêm chủng đầy đủ cao và đồng đều giữa các thôn, góp phần "
                     "giảm tỷ lệ mắc và tử vong do các bệnh có vắc xin phòng ngừa."),
            )),
            Section("2", "Mục tiêu cụ thể", (
                item("Trên 95% trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin theo "
                     "lịch;"),
                item("Trên 90% phụ nữ có thai được tiêm vắc xin phòng uốn ván;"),
                item("Không để xảy ra sai sót chuyên môn trong quá trình tổ chức buổi tiêm "
                     "chủng."),
            )),
        )),
        Section("II", "NỘI DUNG HOẠT ĐỘNG", (
            item("Tổ chức tiêm chủng thường xuyên vào ngày 10 hằng tháng tại Trạm Y tế; rà soát, "
                 "lập danh sách đối tượng và tiêm bù cho trẻ chưa tiêm đủ mũi."),
            item("Bảo quản vắc xin đúng quy định về dây chuyền lạnh; theo dõi, xử trí kịp thời "
                 "các phản ứng sau tiêm."),
            item("Phối hợp với nhân viên y tế thôn thông báo lịch tiêm đến từng hộ gia đình."),
        )),
        Section("III", "KINH PHÍ", (
            Para("Từ nguồn kinh phí Chương trình tiêm chủng mở rộng do cấp trên cấp và ngân sách "
                 "xã hỗ trợ theo quy định."),
        )),
        Section("IV", "TỔ CHỨC THỰC HIỆN", (
            item("Trạm Y tế chịu trách nhiệm về chuyên môn, tổng hợp và báo cáo kết quả hằng "
                 "tháng về Trung tâm Kiểm soát bệnh tật tỉnh."),
            item("Đề nghị Ủy ban nhân dân xã chỉ đạo các thôn phối hợp vận động người dân đưa "
                 "trẻ đi tiêm chủng đầy đủ, đúng lịch."),
        )),
    ),
    closing="Trên đây là Kế hoạch tiêm chủng mở rộng năm 2026 của Trạm Y tế xã Đông Sơn Hạ./.",
    signature=Signature(None, "TRƯỞNG TRẠM", "Nguyễn Thị Thu Trang"),
    recipients=(
        "Trung tâm Kiểm soát bệnh tật tỉnh (b/c);",
        "UBND xã (b/c);",
        "Nhân viên y tế thôn;",
        "Lưu: TYT.",
    ),
    appendices=(_DONG_SON_SCHEDULE,),
    references=(_QD_SO_Y_TE, _KH_DONG_SON),
)


PLANS: dict[str, Plan] = {
    plan.name: plan
    for plan in (THACH_PHONG_DIGITAL, HUNG_LONG_ROADS, HOA_KHANH_DISASTER, DONG_SON_VACCINATION)
}


def get_plan(name: str) -> Plan:
    try:
        return PLANS[name]
    except KeyError:
        raise KeyError(f"no plan {name!r}; known: {sorted(PLANS)}") from None
