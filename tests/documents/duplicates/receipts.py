"""Receipt photos made with Pillow, and the ways a phone photographs one again."""

from __future__ import annotations

import io
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"

CAFE_LINES = [("Flat white", "3.80"), ("Croissant", "2.90"), ("Orange juice", "4.20")]
CAFE_OTHER_LINES = [
    ("Espresso", "2.50"),
    ("Espresso", "2.50"),
    ("Club sandwich", "8.90"),
    ("Cheesecake", "4.60"),
    ("Sparkling water", "2.20"),
    ("Tea", "2.80"),
]


def receipt(
    lines=CAFE_LINES, *, number: str = "4711", date: str = "14.11.2026", shop: str = "KOHVIK MAJAKAS OU"
) -> Image.Image:
    """A till receipt: the shop's header, the items, the total, a footer; white paper, black print."""
    font, bold = ImageFont.truetype(FONT, 26), ImageFont.truetype(BOLD, 30)
    total = sum(Decimal(price) for _, price in lines)
    rows = [
        (shop, bold),
        ("Narva mnt 7, Tallinn", font),
        ("Reg. 12345678  VAT EE101234567", font),
        ("", font),
        (f"Receipt no {number}", font),
        (f"Date {date} 12:31", font),
        ("-" * 30, font),
        *((f"{name:<20}{price:>10}", font) for name, price in lines),
        ("-" * 30, font),
        (f"{'TOTAL EUR':<20}{total:>10.2f}", bold),
        (f"{'incl. VAT 24%':<20}{total * 24 / 124:>10.2f}", font),
        ("", font),
        ("Thank you! Aitah!", font),
    ]
    height = 60 + 40 * len(rows)
    image = Image.new("RGB", (640, height), "white")
    draw = ImageDraw.Draw(image)
    for index, (text, face) in enumerate(rows):
        draw.text((30, 30 + 40 * index), text, fill="black", font=face)
    return image


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def rephotograph(
    image: Image.Image, *, scale: float = 0.6, quality: int = 55, angle: float = 1.5, crop: float = 0.02
) -> bytes:
    """The same receipt photographed again: smaller, another JPEG quality, turned 1.5°, a little cropped."""
    w, h = image.size
    copy = image.resize((int(w * scale), int(h * scale)), Image.LANCZOS)
    copy = copy.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor="white")
    w, h = copy.size
    copy = copy.crop((int(w * crop), int(h * crop), w - int(w * crop), h - int(h * crop)))
    return jpeg(copy, quality)
