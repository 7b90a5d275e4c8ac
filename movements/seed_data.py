"""What report 44A BC/TĐTN (Tỉnh Đoàn Kiên Giang, 25/6/2013) says, as data.

Units as they were in 2009–2013, the movement "3 trách nhiệm" with its sections and indicators,
and every figure the report states with the sentence it comes from.
"""

import datetime as dt

DOCUMENT = "44A BC/TĐTN"
DOCUMENT_DATE = dt.date(2013, 6, 25)
PROVINCE = "kien-giang"

# code, name, short name, kind, GSO code, valid_from
PROVINCE_UNIT = ("kien-giang", "Tỉnh Đoàn Kiên Giang", "Kiên Giang", "province", "91", None)
DISTRICTS = [
    ("rach-gia", "Thành Đoàn Rạch Giá", "Rạch Giá", "city", "899", None),
    ("ha-tien", "Thị Đoàn Hà Tiên", "Hà Tiên", "town", "900", None),
    ("kien-luong", "Huyện Đoàn Kiên Lương", "Kiên Lương", "district", "902", None),
    ("hon-dat", "Huyện Đoàn Hòn Đất", "Hòn Đất", "district", "903", None),
    ("tan-hiep", "Huyện Đoàn Tân Hiệp", "Tân Hiệp", "district", "904", None),
    ("chau-thanh", "Huyện Đoàn Châu Thành", "Châu Thành", "district", "905", None),
    ("giong-rieng", "Huyện Đoàn Giồng Riềng", "Giồng Riềng", "district", "906", None),
    ("go-quao", "Huyện Đoàn Gò Quao", "Gò Quao", "district", "907", None),
    ("an-bien", "Huyện Đoàn An Biên", "An Biên", "district", "908", None),
    ("an-minh", "Huyện Đoàn An Minh", "An Minh", "district", "909", None),
    ("vinh-thuan", "Huyện Đoàn Vĩnh Thuận", "Vĩnh Thuận", "district", "910", None),
    ("phu-quoc", "Huyện Đoàn Phú Quốc", "Phú Quốc", "district", "911", None),
    ("kien-hai", "Huyện Đoàn Kiên Hải", "Kiên Hải", "district", "912", None),
    ("u-minh-thuong", "Huyện Đoàn U Minh Thượng", "U Minh Thượng", "district", "913", None),
    (
        "giang-thanh",
        "Huyện Đoàn Giang Thành",
        "Giang Thành",
        "district",
        "914",
        dt.date(2009, 6, 29),
    ),
]
BRANCHES = [
    ("cong-an", "Đoàn Thanh niên Công an tỉnh", "Công an tỉnh", "branch", "", None),
    ("quan-su", "Đoàn cơ sở Bộ Chỉ huy Quân sự tỉnh", "Quân sự tỉnh", "branch", "", None),
    ("bien-phong", "Đoàn cơ sở Bộ đội Biên phòng tỉnh", "Biên phòng tỉnh", "branch", "", None),
    ("khoi-co-quan", "Đoàn Khối Cơ quan tỉnh", "Khối Cơ quan", "branch", "", None),
    ("khoi-doanh-nghiep", "Đoàn Khối Doanh nghiệp tỉnh", "Khối Doanh nghiệp", "branch", "", None),
    ("cd-su-pham", "Đoàn trường Cao đẳng Sư phạm Kiên Giang", "CĐ Sư phạm", "branch", "", None),
    (
        "cd-cong-dong",
        "Đoàn trường Cao đẳng Cộng đồng Kiên Giang",
        "CĐ Cộng đồng",
        "branch",
        "",
        None,
    ),
    ("cd-y-te", "Đoàn trường Cao đẳng Y tế Kiên Giang", "CĐ Y tế", "branch", "", None),
    ("cd-nghe", "Đoàn trường Cao đẳng nghề Kiên Giang", "CĐ nghề", "branch", "", None),
]

MOVEMENT = {
    "code": "3tn",
    "name": "3 trách nhiệm",
    "full_name": "phong trào “3 trách nhiệm” trong cán bộ, công chức",
    "description": (
        "Phong trào “3 trách nhiệm” (trách nhiệm với công việc, với nhân dân, với bản thân) "
        "trong cán bộ, công chức trẻ."
    ),
    "start_year": 2009,
    "end_year": 2013,
    "period_kind": "year",
    # The letters and plans report 44A answers, as its opening paragraphs say them.
    "legal_basis": (
        "Thực hiện Công văn số 691-CV/TWĐTN, ngày 23 tháng 5 năm 2013 của Ban Bí thư Trung ương "
        "Đoàn, về việc báo cáo một số nội dung trong khối Thanh niên công nhân, công chức, viên "
        "chức và đô thị;\n"
        "Thực hiện Kế hoạch số 90-KH/ĐTN ngày 05 tháng 8 năm 2009 của Ban Thường vụ (BTV) Tỉnh "
        "Đoàn, về việc triển khai phong trào “3 trách nhiệm” trong cán bộ, công chức,"
    ),
}
STAGE_NAME = "Giai đoạn 2009–2013"
# The demo opens the first year of the next stage.
NEXT_STAGE = {"name": "Giai đoạn 2014–2018", "first_year": 2014, "last_year": 2018, "order": 2}

# code, numbering in the report, name
GROUPS = [
    ("trien-khai", "I", "Công tác triển khai"),
    ("cong-viec", "II.1", "Trách nhiệm với công việc"),
    ("nhan-dan", "II.2", "Trách nhiệm với nhân dân"),
    ("ban-than", "II.3", "Trách nhiệm với bản thân"),
]

# Each indicator: group, code, name, short name, measure, kind, aggregation, extras.
# extras: numerator/denominator (ratio), part_of (≤ that indicator), min/max (sanity bounds of
# one unit's figure a year, for every unit; outside them the user confirms), bounds (narrower
# ones by peer group: {"district" | "branch" | "grassroots": (min, max)}, None for the
# indicator's own), requires (only above 0 when that indicator is: a value needs its count),
# members/members_factor (at most that many times the members), headline (main figure of its
# section).
#
# Money is whole đồng. One unit's year runs from a few hundred thousand đồng (a handful of gifts)
# to a few billion (the police's houses): MONEY_MIN, 100.000 đồng, is below any real yearly
# figure and far above "500" or "15" typed for 500 or 15 triệu, which then ask "500 đồng hay 500
# triệu đồng?". A house or a waste incinerator costs millions: their value starts at 1 triệu.
# Grassroots units (a commune's or an office's Đoàn, tens to hundreds of members) have a tenth
# of the district-level figures at most.
MONEY_MIN = 100_000
INDICATORS = [
    (
        "trien-khai",
        "doan-vien",
        "Số đoàn viên thanh niên (ĐVTN) cuối năm",
        "Đoàn viên",
        "người",
        "count",
        "last",
        {
            "max": 50_000,
            "bounds": {
                "district": (None, 20_000),
                "branch": (None, 10_000),
                "grassroots": (None, 2_000),
            },
        },
    ),
    (
        "trien-khai",
        "hoi-nghi-trien-khai",
        "Hội nghị triển khai, quán triệt, sinh hoạt chi đoàn, tọa đàm về phong trào",
        "Hội nghị triển khai",
        "cuộc",
        "count",
        "sum",
        {"headline": True, "max": 500},
    ),
    (
        "trien-khai",
        "luot-du-trien-khai",
        "Lượt cán bộ, ĐVTN tham dự hội nghị triển khai",
        "Lượt tham dự triển khai",
        "lượt",
        "count",
        "sum",
        {
            "max": 20_000,
            "members": "doan-vien",
            "members_factor": 2,
            "requires": "hoi-nghi-trien-khai",
        },
    ),
    (
        "cong-viec",
        "to-chuc-doan-co-quan",
        "Tổ chức Đoàn trong các cơ quan, đơn vị",
        "Tổ chức Đoàn trong cơ quan",
        "tổ chức",
        "count",
        "last",
        {"max": 1_000},
    ),
    (
        "cong-viec",
        "to-chuc-dang-ky-vung-manh",
        "Tổ chức Đoàn đăng ký xây dựng cơ quan, đơn vị vững mạnh",
        "Tổ chức Đoàn đăng ký",
        "tổ chức",
        "count",
        "last",
        {"part_of": "to-chuc-doan-co-quan", "max": 1_000},
    ),
    (
        "cong-viec",
        "ty-le-dang-ky-vung-manh",
        "Tỷ lệ tổ chức Đoàn trong cơ quan đăng ký xây dựng cơ quan, đơn vị vững mạnh",
        "Tỷ lệ đăng ký vững mạnh",
        "%",
        "ratio",
        "sum",
        {"numerator": "to-chuc-dang-ky-vung-manh", "denominator": "to-chuc-doan-co-quan"},
    ),
    (
        "cong-viec",
        "vi-pham-quy-dinh",
        "Cán bộ, ĐVTN vi phạm quy định về những điều cán bộ, công chức không được làm",
        "Cán bộ, ĐVTN vi phạm",
        "người",
        "count",
        "sum",
        {"max": 100, "members": "doan-vien"},
    ),
    (
        "cong-viec",
        "ngo-doc-thuc-pham",
        "Vụ ngộ độc thực phẩm tại đơn vị",
        "Vụ ngộ độc thực phẩm",
        "vụ",
        "count",
        "sum",
        {"max": 10},
    ),
    (
        "cong-viec",
        "dem-van-nghe-tdtt",
        "Đêm văn nghệ, thể dục thể thao, trò chơi dân gian",
        "Đêm văn nghệ, TDTT",
        "đêm",
        "count",
        "sum",
        {"headline": True, "max": 1_000},
    ),
    (
        "cong-viec",
        "luot-tham-gia-van-nghe",
        "Lượt ĐVTN, học sinh và nhân dân tham gia, cổ vũ văn nghệ, TDTT",
        "Lượt tham gia văn nghệ, TDTT",
        "lượt",
        "count",
        "sum",
        {"max": 50_000, "requires": "dem-van-nghe-tdtt"},
    ),
    (
        "cong-viec",
        "dvtn-hoc-tin-hoc-ngoai-ngu",
        "ĐVTN tham gia lớp tin học, ngoại ngữ",
        "ĐVTN học tin học, ngoại ngữ",
        "ĐVTN",
        "count",
        "sum",
        {"max": 5_000, "members": "doan-vien"},
    ),
    (
        "cong-viec",
        "chi-doan-cung-co",
        "Chi đoàn hoạt động kém hiệu quả được củng cố, kiện toàn",
        "Chi đoàn được củng cố",
        "chi đoàn",
        "count",
        "sum",
        {"max": 200},
    ),
    (
        "nhan-dan",
        "hoi-thao-toa-dam",
        "Hội thảo, tọa đàm, giao lưu, học tập kinh nghiệm",
        "Hội thảo, tọa đàm",
        "cuộc",
        "count",
        "sum",
        {"headline": True, "max": 500},
    ),
    (
        "nhan-dan",
        "hoat-dong-ky-nang",
        "Hoạt động nâng cao kỹ năng xã hội, kỹ năng ứng xử, thuyết trình",
        "Hoạt động kỹ năng",
        "hoạt động",
        "count",
        "sum",
        {"max": 500},
    ),
    (
        "nhan-dan",
        "ngay-luong-ung-ho",
        "Ngày lương ĐVTN trích gây quỹ",
        "Ngày lương trích",
        "ngày lương",
        "count",
        "sum",
        {"max": 100},
    ),
    (
        "nhan-dan",
        "tien-quy-xa-hoi",
        "Tiền gây quỹ đền ơn đáp nghĩa, phụng dưỡng Bà Mẹ VNAH, bảo trợ trẻ em nghèo, khuyết tật",
        "Tiền gây quỹ xã hội",
        "đồng",
        "money",
        "sum",
        {
            "min": MONEY_MIN,
            "max": 5_000_000_000,
            "bounds": {"grassroots": (None, 500_000_000)},
        },
    ),
    (
        "nhan-dan",
        "dot-hanh-quan",
        "Đợt hành quân dã ngoại, du khảo về nguồn, công tác xã hội",
        "Đợt hành quân dã ngoại",
        "đợt",
        "count",
        "sum",
        {"max": 200},
    ),
    (
        "nhan-dan",
        "nguoi-hanh-quan",
        "Cán bộ, ĐVTN tham gia hành quân dã ngoại, du khảo",
        "Người hành quân dã ngoại",
        "cán bộ, ĐVTN",
        "count",
        "sum",
        {"max": 10_000, "members": "doan-vien", "requires": "dot-hanh-quan"},
    ),
    (
        "nhan-dan",
        "cong-ngan-man",
        "Cống ngăn mặn được đắp",
        "Cống ngăn mặn",
        "cống",
        "count",
        "sum",
        {"max": 200},
    ),
    ("nhan-dan", "mo-cau", "Mố cầu được đắp", "Mố cầu", "mố cầu", "count", "sum", {"max": 200}),
    (
        "nhan-dan",
        "cau",
        "Cây cầu được sửa chữa, làm mới",
        "Cầu sửa chữa, làm mới",
        "cây cầu",
        "count",
        "sum",
        {"max": 200},
    ),
    (
        "nhan-dan",
        "san-bong-chuyen",
        "Sân bóng chuyền làm mới",
        "Sân bóng chuyền",
        "sân",
        "count",
        "sum",
        {"max": 100},
    ),
    (
        "nhan-dan",
        "phan-qua",
        "Phần quà vận động và trao tặng",
        "Phần quà",
        "phần quà",
        "count",
        "sum",
        {"max": 20_000},
    ),
    (
        "nhan-dan",
        "tri-gia-phan-qua",
        "Trị giá phần quà trao tặng",
        "Trị giá phần quà",
        "đồng",
        "money",
        "sum",
        {
            "min": MONEY_MIN,
            "max": 5_000_000_000,
            "bounds": {"grassroots": (None, 500_000_000)},
            "requires": "phan-qua",
        },
    ),
    (
        "nhan-dan",
        "nha-dai-doan-ket",
        "Nhà đại đoàn kết, nhà nhân ái sửa chữa và bắc mới cho gia đình chính sách, hộ nghèo",
        "Nhà đại đoàn kết, nhân ái",
        "căn",
        "count",
        "sum",
        {"headline": True, "max": 1_000},
    ),
    (
        "nhan-dan",
        "tri-gia-nha",
        "Trị giá nhà đại đoàn kết, nhà nhân ái",
        "Trị giá nhà",
        "đồng",
        "money",
        "sum",
        {
            "min": 1_000_000,
            "max": 20_000_000_000,
            "bounds": {"grassroots": (None, 2_000_000_000)},
            "requires": "nha-dai-doan-ket",
        },
    ),
    (
        "nhan-dan",
        "lo-dot-rac",
        "Lò đốt rác xây dựng mới",
        "Lò đốt rác",
        "lò",
        "count",
        "sum",
        {"max": 20},
    ),
    (
        "nhan-dan",
        "tri-gia-lo-dot-rac",
        "Trị giá lò đốt rác",
        "Trị giá lò đốt rác",
        "đồng",
        "money",
        "sum",
        {
            "min": 1_000_000,
            "max": 1_000_000_000,
            "bounds": {"grassroots": (None, 100_000_000)},
            "requires": "lo-dot-rac",
        },
    ),
    (
        "nhan-dan",
        "luot-kham-benh",
        "Lượt người được khám, phát thuốc miễn phí",
        "Lượt khám, phát thuốc",
        "lượt người",
        "count",
        "sum",
        {"max": 100_000},
    ),
    (
        "nhan-dan",
        "tri-gia-kham-benh",
        "Trị giá khám, phát thuốc miễn phí",
        "Trị giá khám, phát thuốc",
        "đồng",
        "money",
        "sum",
        {
            "min": MONEY_MIN,
            "max": 10_000_000_000,
            "bounds": {"grassroots": (None, 1_000_000_000)},
            "requires": "luot-kham-benh",
        },
    ),
    (
        "nhan-dan",
        "don-vi-mau",
        "Máu tình nguyện hiến",
        "Đơn vị máu",
        "đơn vị máu",
        "count",
        "sum",
        {"max": 20_000},
    ),
    (
        "nhan-dan",
        "qua-cbcs-kho-khan",
        "Phần quà tặng cán bộ chiến sĩ khó khăn và nhân dân nghèo vùng sâu, vùng xa",
        "Quà tặng CBCS, dân nghèo",
        "phần quà",
        "count",
        "sum",
        {"max": 5_000},
    ),
    (
        "nhan-dan",
        "tri-gia-qua-cbcs",
        "Trị giá quà tặng cán bộ chiến sĩ và nhân dân nghèo",
        "Trị giá quà CBCS",
        "đồng",
        "money",
        "sum",
        {
            "min": MONEY_MIN,
            "max": 1_000_000_000,
            "bounds": {"grassroots": (None, 100_000_000)},
            "requires": "qua-cbcs-kho-khan",
        },
    ),
    (
        "nhan-dan",
        "co-so-doan",
        "Cơ sở Đoàn",
        "Cơ sở Đoàn",
        "cơ sở",
        "count",
        "last",
        {"max": 1_000},
    ),
    (
        "nhan-dan",
        "co-so-dang-ky-phong-trao",
        "Cơ sở Đoàn đăng ký thực hiện phong trào",
        "Cơ sở đăng ký phong trào",
        "cơ sở",
        "count",
        "last",
        {"part_of": "co-so-doan", "max": 1_000},
    ),
    (
        "nhan-dan",
        "ty-le-co-so-dang-ky",
        "Tỷ lệ cơ sở Đoàn đăng ký thực hiện phong trào",
        "Tỷ lệ cơ sở đăng ký",
        "%",
        "ratio",
        "sum",
        {"numerator": "co-so-dang-ky-phong-trao", "denominator": "co-so-doan"},
    ),
    (
        "nhan-dan",
        "cong-trinh-phan-viec",
        "Công trình, phần việc thanh niên đảm bảo nội dung thi đua",
        "Công trình, phần việc",
        "công trình",
        "count",
        "sum",
        {"max": 500},
    ),
    (
        "ban-than",
        "cbcc-chung-chi",
        "Cán bộ, công chức có chứng chỉ ngoại ngữ, tin học",
        "Có chứng chỉ ngoại ngữ, tin học",
        "cán bộ, công chức",
        "count",
        "sum",
        {"headline": True, "max": 10_000},
    ),
    (
        "ban-than",
        "cbcc-thanh-thao-may-tinh",
        "Cán bộ, công chức có chứng chỉ sử dụng thành thạo máy vi tính",
        "Thành thạo máy vi tính",
        "cán bộ, công chức",
        "count",
        "sum",
        {"part_of": "cbcc-chung-chi", "max": 10_000},
    ),
    (
        "ban-than",
        "ty-le-thanh-thao-may-tinh",
        "Tỷ lệ cán bộ, công chức có chứng chỉ sử dụng thành thạo máy vi tính",
        "Tỷ lệ thành thạo máy vi tính",
        "%",
        "ratio",
        "sum",
        {"numerator": "cbcc-thanh-thao-may-tinh", "denominator": "cbcc-chung-chi"},
    ),
    (
        "ban-than",
        "cuoc-tuyen-truyen-dao-duc",
        "Cuộc tuyên truyền, tọa đàm nâng cao nhận thức chính trị, đạo đức, lương tâm nghề nghiệp",
        "Tuyên truyền đạo đức",
        "cuộc",
        "count",
        "sum",
        {"max": 200},
    ),
    (
        "ban-than",
        "luot-tuyen-truyen-dao-duc",
        "Lượt đoàn viên công chức trẻ dự tuyên truyền",
        "Lượt dự tuyên truyền",
        "lượt",
        "count",
        "sum",
        {"max": 5_000, "requires": "cuoc-tuyen-truyen-dao-duc"},
    ),
]

# indicator, unit, value, qualifier, quote: every figure the report states, in its order.
# The whole paragraph that opens with "ĐVTN Công an" and the one after it ("Đoàn Thanh niên
# Công an đã phát động…") are the police youth union's; "(RG)" marks Rạch Giá's.
_Q_TRIEN_KHAI = (
    "Đồng thời, chỉ đạo các cơ sở Đoàn xây dựng kế hoạch thực hiện tại địa phương, đơn vị và mở "
    "hội nghị triển khai, quán triệt đến các chi đoàn, ĐVTN thông qua các buổi sinh hoạt lệ chi "
    "đoàn, họp báo công tác Đoàn, các buổi toạ đàm… .được 243 cuộc có trên 8.964 lượt cán bộ, "
    "ĐVTN tham dự."
)
_Q_VUNG_MANH = (
    "Việc đăng ký xây dựng cơ quan, đơn vị vững mạnh đạt 100% tổ chức Đoàn trong các cơ quan "
    "đăng ký và thực hiện nghiêm túc bằng những việc làm cụ thể, thiết thực phù hợp với đặc thù "
    "của từng đơn vị, từng ngành và gắn với Cuộc vận động “Tuổi trẻ Kiên Giang học tập và làm "
    "theo lời Bác”."
)
_Q_VI_PHAM = (
    "Hàng năm không có cán bộ, ĐVTN vi phạm quy định về những điều cán bộ công chức không được "
    "làm và những quy định của cơ quan, đơn vị đã được ĐVTN, cán bộ khối công nhân, viên chức "
    "trong toàn tỉnh thực hiện nghiêm túc."
)
_Q_NGO_DOC = (
    "Quan tâm chăm sóc sức khoẻ định kỳ cho cán bộ chiến sỹ, phục vụ việc ăn nghỉ của cán bộ "
    "chiến sỹ, duy trì thường xuyên vệ sinh doanh trại Xanh - Sạch - Đẹp và không để xảy ra "
    "tình trạng ngộ độc thực phẩm."
)
_Q_VAN_NGHE = (
    "Thực hiện phong trào “Rèn luyện sức khoẻ theo gương Bác Hồ vĩ đại”, các đơn vị đã tổ chức "
    "các hoạt động giao lưu thể dục thể thao giữa các đơn vị, qua đó tạo sân chơi lành mạnh, "
    "giúp cho ĐVTN có cơ hội giao lưu, học hỏi kinh nghiệm, rèn luyện sức khoẻ đáp ứng ngày càng "
    "cao nhu cầu công việc, đã tổ chức được 1.644 đêm văn nghệ, thể dục thể thao và các trò chơi "
    "dân gian nhằm kỷ niệm các ngày lễ lớn trong năm với trên 15.868 lượt ĐVTN, các em học sinh "
    "và bà con nhân dân tham gia cổ vũ."
)
_Q_TIN_HOC = (
    "Nhiều cơ sở Đoàn còn chủ động phối hợp tổ chức các lớp tin học, ngoại ngữ cho 844 ĐVTN "
    "tham gia học tập, củng cố kiện toàn 67 chi đoàn hoạt động kém hiệu quả."
)
_Q_HOI_THAO = (
    "Từ năm 2009 đến nay, ĐVTN công nhân, viên chức trong toàn tỉnh đã từng bước nâng cao tinh "
    "thần trách nhiệm, đăng ký tự học tập, nâng cao trình độ chuyên môn, bên cạnh đó tổ chức "
    "được 256 cuộc hội thảo, tọa đàm, các hoạt động giao lưu, học tập kinh nghiệm, tổ chức 167 "
    "hoạt động nâng cao kỹ năng xã hội, kỹ năng ứng xử, thuyết trình…"
)
_Q_LUONG = (
    "ĐVTN Công an trích 30 ngày lương gây quỹ đền ơn đáp nghĩa, phụng dưỡng Bà Mẹ VNAH, quỹ bảo "
    "trợ trẻ em nghèo, khuyết tật, với tổng số tiền trên 500 triệu đồng."
)
_Q_HANH_QUAN = (
    "Tổ chức 56 đợt có 2.170 cán bộ, ĐVTN hành quân dã ngoại, du khảo về nguồn làm công tác xã "
    "hội; đắp 35 cống ngăn mặn, 20 mố cầu; sửa chữa và làm được 45 cây cầu vĩ; làm mới 15 sân "
    "bóng chuyền, vận động và trao tặng 3.065 phần quà trị giá 340 triệu đồng, sửa chữa và bắc "
    "mới được 215 căn nhà đại đoàn kết, nhà nhân ái cho gia đình thương binh, liệt sỹ, gia đình "
    "chính sách, nghèo trị giá trên 1 tỷ 540 triệu đồng."
)
_Q_LO_RAC = "Xây dựng mới 01 Lò đốt rác tại xã Lại Sơn, huyện Kiên Hải trị giá 17 triệu đồng."
_Q_KHAM = "Khám phát thuốc miễn phí cho 36.009 lượt người, trị giá trên 700 triệu đồng."
_Q_MAU = "Vận động phối hợp các đơn vị tổ chức hiến máu tình nguyện được trên 6.812 đơn vị máu."
_Q_CAND = (
    "Phối hợp với Báo CAND tặng 200 phần quà tặng cho CBCS có hoàn cảnh đặc biệt khó khăn và "
    "nhân dân nghèo tại các vùng sâu, vùng xa, trị giá 30 triệu đồng."
)
_Q_CO_SO = (
    "Bên cạnh đó, thực hiện nghiêm sự chỉ đạo của lãnh đạo ngành, Đoàn Thanh niên Công an đã "
    "phát động cho ĐVTN tích cực tham gia các hoạt động tình nguyện nhằm chia sẻ khó khăn của "
    "cộng đồng xã hội, mỗi ĐVTN đăng ký ít nhất 01 ý tưởng sáng tạo, mỗi cơ sở Đoàn đăng ký ít "
    "nhất 01 công trình phần việc thanh niên, đến nay đã có 100% cơ sở Đoàn đăng ký thực hiện "
    "phong trào và có 35 công trình phần việc đảm bảo sát nội dung thi đua."
)
_Q_CHUNG_CHI = (
    "Qua đó, có khoảng 2.179 cán bộ, công chức có chứng chỉ ngoại ngữ, tin học và biết sử dụng "
    "100% thành thạo máy vi tính, được bồi dưỡng về kiến thức kinh tế, pháp luật, chính trị xã "
    "hội….. nhằm nâng cao chuyên môn, nghiệp vụ."
)
_Q_RG = (
    "Nhằm tạo động lực cho ĐVTN công nhân, công chức trẻ hết lòng hết sức phụng sự Tổ quốc, phục "
    "vụ nhân dân và tận tuỵ với công việc, các cấp bộ Đoàn (RG) tổ chức 56 cuộc tuyên truyền, "
    "tọa đàm, trao đổi nâng cao nhận thức chính trị, phẩm chất đạo đức, lương tâm nghề nghiệp "
    "cho 759 lượt đoàn viên công chức trẻ."
)

PUBLISHED = [
    ("hoi-nghi-trien-khai", PROVINCE, 243, "", _Q_TRIEN_KHAI),
    ("luot-du-trien-khai", PROVINCE, 8_964, "trên", _Q_TRIEN_KHAI),
    ("ty-le-dang-ky-vung-manh", PROVINCE, 100, "", _Q_VUNG_MANH),
    ("vi-pham-quy-dinh", PROVINCE, 0, "", _Q_VI_PHAM),
    ("ngo-doc-thuc-pham", PROVINCE, 0, "", _Q_NGO_DOC),
    ("dem-van-nghe-tdtt", PROVINCE, 1_644, "", _Q_VAN_NGHE),
    ("luot-tham-gia-van-nghe", PROVINCE, 15_868, "trên", _Q_VAN_NGHE),
    ("dvtn-hoc-tin-hoc-ngoai-ngu", PROVINCE, 844, "", _Q_TIN_HOC),
    ("chi-doan-cung-co", PROVINCE, 67, "", _Q_TIN_HOC),
    ("hoi-thao-toa-dam", PROVINCE, 256, "", _Q_HOI_THAO),
    ("hoat-dong-ky-nang", PROVINCE, 167, "", _Q_HOI_THAO),
    ("ngay-luong-ung-ho", "cong-an", 30, "", _Q_LUONG),
    ("tien-quy-xa-hoi", "cong-an", 500_000_000, "trên", _Q_LUONG),
    ("dot-hanh-quan", "cong-an", 56, "", _Q_HANH_QUAN),
    ("nguoi-hanh-quan", "cong-an", 2_170, "", _Q_HANH_QUAN),
    ("cong-ngan-man", "cong-an", 35, "", _Q_HANH_QUAN),
    ("mo-cau", "cong-an", 20, "", _Q_HANH_QUAN),
    ("cau", "cong-an", 45, "", _Q_HANH_QUAN),
    ("san-bong-chuyen", "cong-an", 15, "", _Q_HANH_QUAN),
    ("phan-qua", "cong-an", 3_065, "", _Q_HANH_QUAN),
    ("tri-gia-phan-qua", "cong-an", 340_000_000, "", _Q_HANH_QUAN),
    ("nha-dai-doan-ket", "cong-an", 215, "", _Q_HANH_QUAN),
    ("tri-gia-nha", "cong-an", 1_540_000_000, "trên", _Q_HANH_QUAN),
    ("lo-dot-rac", "cong-an", 1, "", _Q_LO_RAC),
    ("tri-gia-lo-dot-rac", "cong-an", 17_000_000, "", _Q_LO_RAC),
    ("luot-kham-benh", "cong-an", 36_009, "", _Q_KHAM),
    ("tri-gia-kham-benh", "cong-an", 700_000_000, "trên", _Q_KHAM),
    ("don-vi-mau", "cong-an", 6_812, "trên", _Q_MAU),
    ("qua-cbcs-kho-khan", "cong-an", 200, "", _Q_CAND),
    ("tri-gia-qua-cbcs", "cong-an", 30_000_000, "", _Q_CAND),
    ("ty-le-co-so-dang-ky", "cong-an", 100, "", _Q_CO_SO),
    ("cong-trinh-phan-viec", "cong-an", 35, "", _Q_CO_SO),
    ("cbcc-chung-chi", PROVINCE, 2_179, "khoảng", _Q_CHUNG_CHI),
    ("ty-le-thanh-thao-may-tinh", PROVINCE, 100, "", _Q_CHUNG_CHI),
    ("cuoc-tuyen-truyen-dao-duc", "rach-gia", 56, "", _Q_RG),
    ("luot-tuyen-truyen-dao-duc", "rach-gia", 759, "", _Q_RG),
]
