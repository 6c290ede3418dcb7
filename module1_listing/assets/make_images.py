"""Draws the eight candidate main images of the 北欧风简约床头柜 (deterministic).

Run from the repository:  python module1_listing/assets/make_images.py
The PNGs are committed; this script documents how they were made and what
each one is (the notebook 03_detail_page asks students to find out by code):

  cand_01  bedroom scene A (not white)        cand_05  drawer close-up on white
  cand_02  product on light grey (not white)  cand_06  product on white, 750×1000 (wrong size)
  cand_03  product on white, 800×800          cand_07  bedroom scene B (not white)
  cand_04  2×2 collage (spliced)              cand_08  board-edge close-up on white
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent
S = 800
WOOD = (196, 160, 118)
WOOD_DARK = (150, 112, 74)
WHITE_BODY = (250, 250, 248)
GREY_LINE = (120, 120, 120)


def nightstand(d: ImageDraw.ImageDraw, x: int, y: int, w: int, h: int, body=WOOD, edge=WOOD_DARK):
    """A two-drawer nightstand with legs, top-left corner (x, y)."""
    leg = h // 6
    d.rectangle([x, y, x + w, y + h - leg], fill=body, outline=edge, width=4)
    mid = y + (h - leg) // 2
    d.line([x, mid, x + w, mid], fill=edge, width=4)
    for top in (y, mid):
        cy = top + (h - leg) // 4
        d.rounded_rectangle([x + w // 2 - w // 8, cy - 6, x + w // 2 + w // 8, cy + 6], radius=6, fill=edge)
    for lx in (x + w // 10, x + w - w // 10 - 14):
        d.rectangle([lx, y + h - leg, lx + 14, y + h], fill=edge)


def product_on(bg, size=(S, S)):
    im = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(im)
    w, h = size
    nightstand(d, int(w * 0.25), int(h * 0.3), int(w * 0.5), int(h * 0.45))
    return im


def scene(wall, floor, horizon, bed_colour, variant):
    im = Image.new("RGB", (S, S), wall)
    d = ImageDraw.Draw(im)
    d.rectangle([0, horizon, S, S], fill=floor)
    for i in range(0, S, 90):  # floor boards
        d.line([i, horizon, i - 60, S], fill=tuple(c - 18 for c in floor), width=2)
    if variant == "a":
        d.rectangle([0, 330, 330, 700], fill=bed_colour)           # bed on the left
        d.rectangle([0, 300, 300, 360], fill=(240, 240, 236))      # pillow
        nightstand(d, 400, 380, 220, 250, body=WHITE_BODY, edge=GREY_LINE)
        d.polygon([(470, 300), (550, 300), (530, 250), (490, 250)], fill=(245, 220, 160))  # lamp
        d.rectangle([505, 300, 515, 380], fill=GREY_LINE)
    else:
        d.rectangle([430, 360, 800, 720], fill=bed_colour)         # bed on the right
        nightstand(d, 140, 400, 230, 240)
        d.rectangle([180, 340, 260, 400], fill=(90, 130, 110))     # plant pot
        d.ellipse([150, 230, 290, 350], fill=(80, 150, 90))
        d.rectangle([560, 120, 720, 260], fill=(210, 200, 185), outline=GREY_LINE, width=3)  # frame
    return im


def drawer_closeup():
    im = Image.new("RGB", (S, S), (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.rectangle([120, 220, 680, 580], fill=WOOD, outline=WOOD_DARK, width=6)
    d.rectangle([160, 330, 640, 470], fill=(220, 190, 150), outline=WOOD_DARK, width=4)  # open drawer
    d.rounded_rectangle([340, 385, 460, 415], radius=12, fill=WOOD_DARK)
    return im


def board_closeup():
    im = Image.new("RGB", (S, S), (255, 255, 255))
    d = ImageDraw.Draw(im)
    for i, y in enumerate(range(250, 550, 20)):  # layered board edge (E1级刨花板)
        d.rectangle([150, y, 650, y + 18], fill=(205 - (i % 3) * 12, 170 - (i % 3) * 10, 128 - (i % 3) * 8))
    d.rectangle([150, 250, 650, 550], outline=WOOD_DARK, width=4)
    return im


def collage():
    tiles = [product_on((255, 255, 255)), scene((236, 226, 212), (184, 146, 108), 560, (170, 180, 200), "a"),
             drawer_closeup(), scene((226, 232, 226), (170, 132, 96), 540, (200, 180, 170), "b")]
    im = Image.new("RGB", (S, S), (70, 70, 70))  # dark divider lines between the pasted pictures
    half = (S - 6) // 2
    for k, t in enumerate(tiles):
        im.paste(t.resize((half, half)), ((k % 2) * (half + 6), (k // 2) * (half + 6)))
    return im


def main():
    images = {
        "cand_01.png": scene((236, 226, 212), (184, 146, 108), 560, (170, 180, 200), "a"),
        "cand_02.png": product_on((232, 232, 232)),
        "cand_03.png": product_on((255, 255, 255)),
        "cand_04.png": collage(),
        "cand_05.png": drawer_closeup(),
        "cand_06.png": product_on((255, 255, 255), size=(750, 1000)),
        "cand_07.png": scene((226, 232, 226), (170, 132, 96), 540, (200, 180, 170), "b"),
        "cand_08.png": board_closeup(),
    }
    for name, im in images.items():
        im.save(OUT / name, optimize=True)
    return images


if __name__ == "__main__":
    for n in main():
        print(n, (OUT / n).stat().st_size, "bytes")
