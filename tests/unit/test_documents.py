"""Calendar invitations and check-in QR codes, checked by reading them back.

The ICS files are parsed with icalendar itself; the QR PNG is decoded by a small
reader below (no QR decoder is installed), so the test does not trust segno's
own view of what it drew.
"""

from __future__ import annotations

import dataclasses
import struct
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import segno
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Alarm, Calendar, Event

from bot.documents import (
    MeetingInvite,
    cancellation_ics,
    checkin_qr_png,
    ics_filename,
    invitation_ics,
    meeting_uid,
    png_size,
)

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
STARTS = datetime(2026, 12, 25, 15, 0, tzinfo=MSK)  # 12:00 UTC
CHECKIN_URL = "https://t.me/wg_group_bot?start=chk_Zx3-9aQw_LmN0pRsTuVwXy"


def make_invite(**changes: Any) -> MeetingInvite:
    invite = MeetingInvite(
        uid=meeting_uid(12),
        sequence=0,
        title="Заседание рабочей группы",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        location="Москва, ул. Ильинка, д. 9, каб. 512",
        url=None,
        description="Повестка: бюджет; клиентский путь",
        organizer_name="Секретарь РГ",
        dtstamp=NOW,
    )
    return dataclasses.replace(invite, **changes)


def parse(data: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(data)
    events = calendar.events
    assert len(events) == 1
    return calendar, events[0]


def alarms(event: Event) -> list[Alarm]:
    return [c for c in event.subcomponents if isinstance(c, Alarm)]


def as_datetime(value: date) -> datetime:
    # icalendar types start/end as ``date``; a timed event must give a datetime.
    assert isinstance(value, datetime)
    return value


# --- ICS ----------------------------------------------------------------------------


def test_meeting_uid_is_stable_and_carries_the_domain() -> None:
    assert meeting_uid(12) == "meeting-12@wg-bot.local"
    assert meeting_uid(12, "wg.example.gov") == "meeting-12@wg.example.gov"


def test_invitation_round_trips_through_icalendar() -> None:
    data = invitation_ics(make_invite())
    calendar, event = parse(data)

    assert calendar.method == "REQUEST"
    assert calendar.version == "2.0"
    assert calendar.calscale == "GREGORIAN"
    assert str(calendar.prodid).startswith("-//")
    assert event.uid == "meeting-12@wg-bot.local"
    assert event.sequence == 0
    assert event.DTSTAMP == NOW
    # Same instant as the Moscow input, written as UTC with the Z suffix.
    assert as_datetime(event.start) == STARTS
    assert as_datetime(event.start).utcoffset() == timedelta(0)
    assert as_datetime(event.end) == STARTS + timedelta(hours=2)
    assert b"DTSTART:20261225T120000Z\r\n" in data
    assert b"DTEND:20261225T140000Z\r\n" in data
    assert b"DTSTAMP:20261201T093000Z\r\n" in data
    assert event.summary == "Заседание рабочей группы"
    assert event.location == "Москва, ул. Ильинка, д. 9, каб. 512"
    assert "URL" not in event
    assert event.description == "Повестка: бюджет; клиентский путь"
    assert event.status == "CONFIRMED"
    assert event.organizer == "mailto:noreply@wg-bot.local"
    assert event.organizer.params["CN"] == "Секретарь РГ"

    (alarm,) = alarms(event)
    assert alarm.ACTION == "DISPLAY"
    trigger = alarm.TRIGGER
    assert trigger == timedelta(hours=-1)
    assert alarm.description == "Заседание рабочей группы"


def test_remote_meeting_puts_the_link_in_location_url_and_description() -> None:
    link = "https://telemost.yandex.ru/j/12345678901234"
    _, event = parse(invitation_ics(make_invite(location=None, url=link)))
    assert event.location == link
    assert event.url == link
    # Google Calendar ignores URL, so the link must also be readable in the text.
    assert event.description == f"Повестка: бюджет; клиентский путь\n\n{link}"


def test_hybrid_meeting_keeps_the_place_in_location_and_the_link_in_url() -> None:
    link = "https://telemost.yandex.ru/j/1"
    _, event = parse(invitation_ics(make_invite(url=link, description=None)))
    assert event.location == "Москва, ул. Ильинка, д. 9, каб. 512"
    assert event.url == link
    assert event.description == link


def test_optional_fields_are_left_out_when_absent() -> None:
    _, event = parse(
        invitation_ics(make_invite(location=None, description=None, organizer_name=None))
    )
    assert "LOCATION" not in event
    assert "DESCRIPTION" not in event
    # iTIP still requires an ORGANIZER; only the display name is missing.
    assert event.organizer == "mailto:noreply@wg-bot.local"
    assert "CN" not in event.organizer.params


def test_cancellation_keeps_the_uid_and_cancels() -> None:
    invite = make_invite(sequence=3)
    calendar, event = parse(cancellation_ics(invite))
    assert calendar.method == "CANCEL"
    assert event.uid == invite.uid
    assert event.sequence == 3
    assert event.status == "CANCELLED"
    assert event.start == STARTS
    assert alarms(event) == []


def test_reschedule_raises_sequence_and_keeps_uid() -> None:
    first = make_invite()
    moved = dataclasses.replace(
        first,
        sequence=first.sequence + 1,
        starts_at=STARTS + timedelta(days=1),
        ends_at=STARTS + timedelta(days=1, hours=2),
    )
    _, old = parse(invitation_ics(first))
    _, new = parse(invitation_ics(moved))
    assert new.uid == old.uid
    assert new.sequence > old.sequence
    assert new.start == STARTS + timedelta(days=1)


def test_cyrillic_and_special_characters_survive_folding() -> None:
    title = "Заседание: «клиентоцентричность», этап 2; " + "очень длинное название " * 5
    description = "Строка 1\nСтрока 2 — ёЁйЙ, \\ обратная косая; точка с запятой"
    data = invitation_ics(make_invite(title=title, description=description))
    data.decode("utf-8")  # folding must not split a multi-byte character
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    _, event = parse(data)
    assert event.summary == title.strip()
    assert event.description == description


def test_output_is_deterministic() -> None:
    # Pure function of its input: no wall clock, no random calendar UID.
    assert invitation_ics(make_invite()) == invitation_ics(make_invite())
    assert cancellation_ics(make_invite()) == cancellation_ics(make_invite())
    calendar, _ = parse(invitation_ics(make_invite()))
    assert "UID" not in calendar


@pytest.mark.parametrize("build", [invitation_ics, cancellation_ics])
@pytest.mark.parametrize("field", ["starts_at", "ends_at", "dtstamp"])
def test_naive_datetimes_are_rejected(build: Callable[[MeetingInvite], bytes], field: str) -> None:
    aware: datetime = getattr(make_invite(), field)
    naive = aware.replace(tzinfo=None)
    with pytest.raises(ValueError, match=field):
        build(make_invite(**{field: naive}))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": STARTS - timedelta(minutes=1)}, "ends_at"),
        ({"sequence": -1}, "sequence"),
        ({"title": "   "}, "title"),
        ({"uid": ""}, "uid"),
    ],
)
def test_inconsistent_invites_are_rejected(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        invitation_ics(make_invite(**changes))


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds must be naive
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.sampled_from([UTC, MSK, timezone(timedelta(hours=-3, minutes=-30))]),
)
def test_any_aware_start_is_written_as_the_same_utc_instant(
    instant: datetime, zone: tzinfo
) -> None:
    # Real instants shown in a zone: a wall time in a DST gap (Moscow, March 2000) is not
    # a moment at all, and the bot never makes one (dates.local_instant refuses them).
    starts_at = instant.astimezone(zone)
    invite = make_invite(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
    data = invitation_ics(invite)
    _, event = parse(data)
    # iCalendar DATE-TIME has whole seconds. Compared as instants: Python never calls a
    # wall time in a repeated hour (PEP 495 fold) equal to one in another zone.
    assert isinstance(event.start, datetime)
    assert event.start.timestamp() == starts_at.replace(microsecond=0).timestamp()
    stamp = starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{stamp}\r\n".encode() in data


# --- file names ----------------------------------------------------------------------


def test_filename_is_human_readable() -> None:
    assert ics_filename("Заседание", date(2026, 12, 25)) == "Заседание 25.12.2026.ics"


def test_filename_strips_illegal_characters() -> None:
    name = ics_filename('Итоги 1/2: бюджет <черновик> "А|Б"? *\\ ', date(2026, 1, 5))
    assert name == "Итоги 1 2 бюджет черновик А Б 05.01.2026.ics"


def test_filename_drops_invisible_characters_that_spoof_extensions() -> None:
    name = ics_filename("Отчёт\u202egpj.exe\t\n\x00", date(2026, 1, 5))
    assert name == "Отчётgpj.exe 05.01.2026.ics"


def test_filename_keeps_words_apart_across_line_breaks() -> None:
    name = ics_filename("Заседание\nрабочей\u00a0группы", date(2026, 1, 5))
    assert name == "Заседание рабочей группы 05.01.2026.ics"


def test_filename_is_capped_and_never_empty() -> None:
    long_name = ics_filename("Заседание " * 30, date(2026, 12, 25))
    assert len(long_name) <= 80
    assert long_name.endswith(" 25.12.2026.ics")
    assert ics_filename("/:*?", date(2026, 12, 25)) == "meeting 25.12.2026.ics"
    assert ics_filename("Итоги...", date(2026, 12, 25)) == "Итоги 25.12.2026.ics"


@given(st.text())
def test_any_title_gives_a_safe_filename(title: str) -> None:
    name = ics_filename(title, date(2026, 12, 25))
    assert name.endswith(" 25.12.2026.ics")
    assert len(name) <= 80
    assert not set(name) & set('<>:"/\\|?*')
    assert name.isprintable()
    assert not name.startswith((" ", "."))


# --- QR code -------------------------------------------------------------------------
# A minimal reader for what checkin_qr_png draws: grayscale PNG, QR versions 1-6 at
# error level M, one byte-mode segment. It reads the format information from the
# image, unmasks, verifies the Reed-Solomon syndromes and returns the payload.

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ALIGNMENT_CENTRES = {1: [], 2: [6, 18], 3: [6, 22], 4: [6, 26], 5: [6, 30], 6: [6, 34]}
# version -> (blocks, data codewords per block, EC codewords per block) at level M
BLOCKS_M = {1: (1, 16, 10), 2: (1, 28, 16), 3: (1, 44, 26), 4: (2, 32, 18), 5: (2, 43, 24)}
BLOCKS_M[6] = (4, 27, 16)
EC_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}
MASKS: list[Callable[[int, int], bool]] = [
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
]


def png_pixels(data: bytes) -> list[list[bool]]:
    """Rows of pixels, True for dark; only non-interlaced grayscale as segno writes."""
    assert data.startswith(PNG_SIGNATURE)
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + length :][:4])[0]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert colour == 0 and depth in (1, 8) and interlace == 0, "unexpected PNG layout"
    stride = (width * depth + 7) // 8
    raw = zlib.decompress(idat)
    rows: list[list[bool]] = []
    previous = bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - 1] if x else 0
            up, up_left = previous[x], previous[x - 1] if x else 0
            if filter_type == 1:
                line[x] = (line[x] + left) & 0xFF
            elif filter_type == 2:
                line[x] = (line[x] + up) & 0xFF
            elif filter_type == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[x] = (line[x] + pred) & 0xFF
        previous = line
        if depth == 1:
            rows.append([not (line[x // 8] >> (7 - x % 8)) & 1 for x in range(width)])
        else:
            rows.append([line[x] < 128 for x in range(width)])
    return rows


def modules(pixels: list[list[bool]], scale: int, border: int) -> list[list[bool]]:
    """Module matrix; every pixel of a module must agree and the quiet zone be light."""
    size = len(pixels) // scale
    assert len(pixels) == size * scale and all(len(row) == size * scale for row in pixels)
    grid = [[pixels[r * scale][c * scale] for c in range(size)] for r in range(size)]
    for y, row in enumerate(pixels):
        assert row == [grid[y // scale][x // scale] for x in range(len(row))]
    for r in range(size):
        for c in range(size):
            if min(r, c) < border or max(r, c) >= size - border:
                assert not grid[r][c], "quiet zone must be light"
    return [row[border : size - border] for row in grid[border : size - border]]


def format_codeword(level: str, mask: int) -> int:
    data = EC_LEVEL_BITS[level] << 3 | mask
    rem = data << 10
    for bit in range(14, 9, -1):
        if rem >> bit & 1:
            rem ^= 0x537 << (bit - 10)
    return (data << 10 | rem) ^ 0x5412


def read_format(matrix: list[list[bool]]) -> tuple[str, int]:
    cells = [(8, c) for c in (0, 1, 2, 3, 4, 5, 7, 8)] + [(r, 8) for r in (7, 5, 4, 3, 2, 1, 0)]
    bits = int("".join("1" if matrix[r][c] else "0" for r, c in cells), 2)
    found = [(lv, m) for lv in EC_LEVEL_BITS for m in range(8) if format_codeword(lv, m) == bits]
    assert len(found) == 1, "format information unreadable"
    return found[0]


def rs_syndromes_are_zero(block: list[int], ec_count: int) -> bool:
    exp = [1] * 255
    for k in range(1, 255):
        exp[k] = exp[k - 1] << 1 ^ (0x11D if exp[k - 1] & 0x80 else 0)
    log = {value: k for k, value in enumerate(exp)}

    def mul(a: int, b: int) -> int:
        return 0 if not a or not b else exp[(log[a] + log[b]) % 255]

    for i in range(ec_count):
        acc = 0
        for codeword in block:
            acc = mul(acc, exp[i]) ^ codeword
        if acc:
            return False
    return True


def decode_qr(matrix: list[list[bool]]) -> tuple[int, str, bytes]:
    n = len(matrix)
    version = (n - 17) // 4
    assert n == 17 + 4 * version and version in BLOCKS_M
    level, mask = read_format(matrix)
    assert level == "M"
    reserved = [[False] * n for _ in range(n)]

    def reserve(rows: range, cols: range) -> None:
        for r in rows:
            for c in cols:
                reserved[r][c] = True

    # Finders with separators and format areas (the dark module is inside one).
    reserve(range(9), range(9))
    reserve(range(9), range(n - 8, n))
    reserve(range(n - 8, n), range(9))
    reserve(range(n), range(6, 7))
    reserve(range(6, 7), range(n))
    for r in ALIGNMENT_CENTRES[version]:
        for c in ALIGNMENT_CENTRES[version]:
            if not reserved[r][c]:
                reserve(range(r - 2, r + 3), range(c - 2, c + 3))
    bits: list[int] = []
    upward, col = True, n - 1
    while col > 0:
        if col == 6:  # the vertical timing pattern is skipped as a whole column
            col = 5
        for r in range(n - 1, -1, -1) if upward else range(n):
            for c in (col, col - 1):
                if not reserved[r][c]:
                    bits.append(int(matrix[r][c]) ^ int(MASKS[mask](r, c)))
        upward, col = not upward, col - 2
    codewords = [int("".join(map(str, bits[k : k + 8])), 2) for k in range(0, len(bits) - 7, 8)]
    blocks, data_per_block, ec_per_block = BLOCKS_M[version]
    data_end = blocks * data_per_block
    split = [
        [codewords[k * blocks + b] for k in range(data_per_block)]
        + [codewords[data_end + k * blocks + b] for k in range(ec_per_block)]
        for b in range(blocks)
    ]
    assert all(rs_syndromes_are_zero(block, ec_per_block) for block in split)
    stream = "".join(f"{cw:08b}" for block in split for cw in block[:data_per_block])
    assert stream[:4] == "0100", "expected one byte-mode segment"
    length = int(stream[4:12], 2)
    payload = bytes(int(stream[12 + 8 * k : 20 + 8 * k], 2) for k in range(length))
    assert stream[12 + 8 * length : 16 + 8 * length] in ("0000", "000", "00", "0", "")
    return version, level, payload


def test_qr_png_is_a_png_of_sensible_size() -> None:
    data = checkin_qr_png(CHECKIN_URL)
    assert data.startswith(PNG_SIGNATURE)
    width, height = png_size(data)
    assert width == height
    # A ~60-character link fits version 4 (33 modules) plus 2 x 4 quiet-zone modules.
    assert (width, height) == (41 * 8, 41 * 8)
    assert png_size(checkin_qr_png(CHECKIN_URL, scale=3)) == (41 * 3, 41 * 3)


@pytest.mark.parametrize(
    "url",
    [
        CHECKIN_URL,
        "https://t.me/b?start=chk_1",
        "https://t.me/" + "x" * 32 + "?start=chk_" + "y" * 43,
    ],
)
def test_qr_png_decodes_back_to_the_url(url: str) -> None:
    scale = 5
    matrix = modules(png_pixels(checkin_qr_png(url, scale=scale)), scale=scale, border=4)
    version, level, payload = decode_qr(matrix)
    assert payload.decode() == url
    assert level == "M"
    # And it is exactly the symbol segno describes for these settings.
    expected = segno.make(url, error="m", micro=False, boost_error=False)
    assert expected.designator == f"{version}-M"
    assert matrix == [[bool(v) for v in row] for row in expected.matrix]


def test_png_size_rejects_other_data() -> None:
    with pytest.raises(ValueError, match="PNG"):
        png_size(b"GIF89a" + b"\x00" * 30)
    with pytest.raises(ValueError, match="PNG"):
        png_size(PNG_SIGNATURE)


def test_qr_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="scale"):
        checkin_qr_png(CHECKIN_URL, scale=0)
    with pytest.raises(ValueError, match="url"):
        checkin_qr_png("")
