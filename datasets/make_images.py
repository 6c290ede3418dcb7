"""主图候选图：为每个可主推商品画 8 张候选主图（确定性）。

    python -m datasets.make_images            # every product of datasets.featured.FEATURED
    python -m datasets.make_images P004       # one product

Writes ``module1_listing/assets/<product_id>/cand_01.png`` … ``cand_08.png``.
Teacher side only: this file says which image has which defect (notebook
03_detail_page asks students to find out by code), so it lives in ``datasets/``
and is never shipped with a module; the student package carries the PNGs.

Every product gets the same planted pattern, drawn as its own kind of object
(``FEATURED[pid]["drawing"]``: a nightstand, a set of fabric storage boxes, a
steel shelf):

  cand_01  room scene A (not white)        cand_05  close-up A on white
  cand_02  product on light grey 232 (looks white, is not)
  cand_03  product on white, 800×800       cand_06  product on white, 750×1000 (wrong size)
  cand_04  2×2 collage (spliced)           cand_07  room scene B (not white)
                                           cand_08  close-up B on white

The nightstand is drawn exactly as before the product became a setting, so
P001's images are byte-identical to the ones the course always shipped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

from .featured import FEATURED

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "module1_listing" / "assets"
S = 800
WHITE = (255, 255, 255)
LIGHT_GREY = (232, 232, 232)
GREY_LINE = (120, 120, 120)
FILES = (
    "cand_01.png",
    "cand_02.png",
    "cand_03.png",
    "cand_04.png",
    "cand_05.png",
    "cand_06.png",
    "cand_07.png",
    "cand_08.png",
)


def room(wall, floor, horizon) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A wall, a wooden floor from ``horizon`` down (no straight vertical seam anywhere)."""
    im = Image.new("RGB", (S, S), wall)
    d = ImageDraw.Draw(im)
    d.rectangle([0, horizon, S, S], fill=floor)
    for i in range(0, S, 90):  # floor boards
        d.line([i, horizon, i - 60, S], fill=tuple(c - 18 for c in floor), width=2)
    return im, d


def on_white() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    im = Image.new("RGB", (S, S), WHITE)
    return im, ImageDraw.Draw(im)


# -- P001 床头柜: a two-drawer nightstand -------------------------------------------


class Nightstand:
    WOOD = (196, 160, 118)
    WOOD_DARK = (150, 112, 74)
    WHITE_BODY = (250, 250, 248)
    frame = (0.25, 0.3, 0.5, 0.45)  # x, y, width, height of the product as shares of the image

    def draw(self, d, x: int, y: int, w: int, h: int, body=WOOD, edge=WOOD_DARK):
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

    def scene_a(self):
        im, d = room((236, 226, 212), (184, 146, 108), 560)
        d.rectangle([0, 330, 330, 700], fill=(170, 180, 200))  # bed on the left
        d.rectangle([0, 300, 300, 360], fill=(240, 240, 236))  # pillow
        self.draw(d, 400, 380, 220, 250, body=self.WHITE_BODY, edge=GREY_LINE)
        d.polygon([(470, 300), (550, 300), (530, 250), (490, 250)], fill=(245, 220, 160))  # lamp
        d.rectangle([505, 300, 515, 380], fill=GREY_LINE)
        return im

    def scene_b(self):
        im, d = room((226, 232, 226), (170, 132, 96), 540)
        d.rectangle([430, 360, 800, 720], fill=(200, 180, 170))  # bed on the right
        self.draw(d, 140, 400, 230, 240)
        d.rectangle([180, 340, 260, 400], fill=(90, 130, 110))  # plant pot
        d.ellipse([150, 230, 290, 350], fill=(80, 150, 90))
        d.rectangle([560, 120, 720, 260], fill=(210, 200, 185), outline=GREY_LINE, width=3)  # frame
        return im

    def closeup_a(self):
        """An open drawer."""
        im, d = on_white()
        d.rectangle([120, 220, 680, 580], fill=self.WOOD, outline=self.WOOD_DARK, width=6)
        d.rectangle([160, 330, 640, 470], fill=(220, 190, 150), outline=self.WOOD_DARK, width=4)
        d.rounded_rectangle([340, 385, 460, 415], radius=12, fill=self.WOOD_DARK)
        return im

    def closeup_b(self):
        """The layered board edge (E1级刨花板)."""
        im, d = on_white()
        for i, y in enumerate(range(250, 550, 20)):
            d.rectangle([150, y, 650, y + 18], fill=(205 - (i % 3) * 12, 170 - (i % 3) * 10, 128 - (i % 3) * 8))
        d.rectangle([150, 250, 650, 550], outline=self.WOOD_DARK, width=4)
        return im


# -- P004 收纳盒: a set of three fabric storage boxes --------------------------------------


class FabricBoxes:
    FABRIC = (222, 210, 190)  # 米白 cotton-linen
    FABRIC_DARK = (160, 144, 120)
    RIM = (236, 228, 214)
    frame = (0.12, 0.4, 0.76, 0.3)

    def box(self, d, x: int, y: int, w: int, h: int, body=FABRIC, edge=FABRIC_DARK):
        """One box seen from the front: body, folded rim, stitching and a handle hole."""
        d.rectangle([x, y, x + w, y + h], fill=body, outline=edge, width=4)
        rim = max(8, h // 7)
        d.rectangle([x, y, x + w, y + rim], fill=self.RIM, outline=edge, width=3)
        for sx in range(x + 10, x + w - 10, 18):  # stitching under the rim
            d.line([sx, y + rim + 8, sx + 9, y + rim + 8], fill=edge, width=2)
        hw, hh = max(24, w // 4), max(8, h // 12)
        cx, cy = x + w // 2, y + rim + h // 5
        d.rounded_rectangle([cx - hw // 2, cy - hh // 2, cx + hw // 2, cy + hh // 2], radius=hh // 2, fill=edge)

    def draw(self, d, x: int, y: int, w: int, h: int, body=FABRIC, edge=FABRIC_DARK):
        """三件套: a large, a medium and a small box side by side, standing on one line."""
        gap = w // 24
        widths = [int(w * 0.42), int(w * 0.31), int(w * 0.23)]
        heights = [h, int(h * 0.8), int(h * 0.62)]
        bx = x
        for bw, bh in zip(widths, heights):
            self.box(d, bx, y + h - bh, bw, bh, body, edge)
            bx += bw + gap

    def scene_a(self):
        """A wardrobe: clothes on the rail, the boxes on the shelf below."""
        im, d = room((230, 222, 236), (180, 150, 120), 600)
        d.rectangle([120, 90, 680, 640], fill=(205, 170, 130), outline=(150, 112, 74), width=6)  # wardrobe
        d.rectangle([140, 110, 660, 620], fill=(244, 236, 224))
        d.line([150, 150, 650, 150], fill=GREY_LINE, width=6)  # rail
        for i, colour in enumerate([(120, 140, 180), (200, 120, 120), (110, 160, 130), (220, 200, 150)]):
            cx = 210 + i * 120
            d.line([cx, 150, cx, 175], fill=GREY_LINE, width=3)
            d.polygon([(cx - 45, 180), (cx + 45, 180), (cx + 35, 330), (cx - 35, 330)], fill=colour)
        d.rectangle([140, 390, 660, 402], fill=(150, 112, 74))  # shelf
        self.draw(d, 170, 300, 460, 90)
        self.draw(d, 170, 520, 460, 100, body=(170, 190, 210), edge=(110, 130, 150))  # 雾蓝 set
        return im

    def scene_b(self):
        """A bedroom: the boxes on the floor next to the bed."""
        im, d = room((238, 228, 214), (176, 140, 104), 520)
        d.rectangle([460, 340, 800, 700], fill=(190, 200, 215))  # bed on the right
        d.rectangle([470, 300, 780, 350], fill=(244, 242, 236))  # pillow
        self.draw(d, 60, 470, 360, 190, body=(200, 200, 200), edge=(130, 130, 130))  # 浅灰 set
        d.ellipse([90, 200, 210, 320], fill=(90, 150, 100))  # plant
        d.rectangle([130, 310, 170, 380], fill=(150, 110, 80))
        d.rectangle([560, 120, 720, 250], fill=(210, 200, 185), outline=GREY_LINE, width=3)  # frame
        return im

    def closeup_a(self):
        """The cotton-linen weave."""
        im, d = on_white()
        d.rectangle([160, 200, 640, 600], fill=self.FABRIC, outline=self.FABRIC_DARK, width=6)
        for i in range(176, 640, 16):
            d.line([i, 206, i, 594], fill=(206, 192, 170), width=2)
        for j in range(216, 600, 16):
            d.line([166, j, 634, j], fill=(212, 198, 176), width=2)
        for sx in range(180, 620, 24):  # stitched hem
            d.line([sx, 230, sx + 12, 230], fill=self.FABRIC_DARK, width=3)
        return im

    def closeup_b(self):
        """A box folded flat (可折叠)."""
        im, d = on_white()
        for k in range(4):
            y = 300 + k * 40
            d.rectangle(
                [170 + k * 10, y, 630 - k * 10, y + 34],
                fill=(226 - k * 8, 214 - k * 8, 194 - k * 8),
                outline=self.FABRIC_DARK,
                width=3,
            )
        d.rounded_rectangle([350, 250, 450, 280], radius=15, fill=self.FABRIC_DARK)  # handle loop
        return im


# -- P006 置物架: a four-tier carbon-steel shelf ---------------------------------------------


class SteelShelf:
    STEEL = (46, 46, 50)
    BOARD = (70, 70, 76)
    frame = (0.3, 0.12, 0.4, 0.76)

    def draw(self, d, x: int, y: int, w: int, h: int, steel=STEEL, board=BOARD, tiers: int = 4):
        """Two posts, ``tiers`` boards and a few things on them."""
        post = max(6, w // 24)
        d.rectangle([x, y, x + post, y + h], fill=steel)
        d.rectangle([x + w - post, y, x + w, y + h], fill=steel)
        step = (h - h // 12) // tiers
        colours = [(190, 90, 80), (90, 120, 170), (220, 190, 110), (120, 160, 120)]
        for t in range(tiers):
            by = y + h // 12 + t * step
            d.rectangle([x, by, x + w, by + max(6, h // 60)], fill=board)
            top = by - step + max(6, h // 60) + 6
            if t == 0:
                continue  # the top board is the first shelf: things stand on the lower ones
            bx = x + post + 8
            for k in range(3 if t % 2 else 2):  # books
                bw = max(10, w // 12)
                d.rectangle([bx, top + (k % 2) * 8, bx + bw, by - 1], fill=colours[(t + k) % 4])
                bx += bw + 4
            cx = x + w - post - max(30, w // 5)
            if t % 2 == 0:  # a plant pot
                d.rectangle([cx, by - step // 3, cx + w // 7, by - 1], fill=(200, 150, 110))
                d.ellipse(
                    [cx - w // 20, by - step // 3 - step // 3, cx + w // 7 + w // 20, by - step // 3 + 4],
                    fill=(80, 150, 90),
                )
            else:  # a small box
                d.rectangle([cx, by - step // 4, cx + w // 6, by - 1], fill=(222, 210, 190), outline=(160, 144, 120))

    def scene_a(self):
        """A living room: the shelf against the wall, a sofa beside it."""
        im, d = room((214, 226, 232), (180, 150, 118), 600)
        self.draw(d, 90, 130, 260, 560)
        d.rounded_rectangle([420, 420, 790, 650], radius=30, fill=(150, 130, 110))  # sofa
        d.rounded_rectangle([440, 360, 780, 470], radius=30, fill=(170, 150, 130))
        d.ellipse([560, 120, 700, 260], fill=(245, 230, 190), outline=GREY_LINE, width=3)  # wall clock
        return im

    def scene_b(self):
        """A bedroom corner: the shelf by the bed."""
        im, d = room((236, 230, 220), (168, 134, 100), 560)
        d.rectangle([0, 380, 330, 720], fill=(180, 190, 205))  # bed on the left
        d.rectangle([0, 340, 300, 400], fill=(242, 240, 234))  # pillow
        self.draw(d, 430, 150, 250, 560, steel=(235, 235, 232), board=(220, 220, 216))  # 白色 shelf
        d.polygon([(120, 150), (220, 150), (200, 90), (140, 90)], fill=(245, 220, 160))  # wall lamp
        return im

    def closeup_a(self):
        """A joint: post, board and the screw that holds them."""
        im, d = on_white()
        d.rectangle([300, 150, 380, 650], fill=self.STEEL)  # post
        d.rectangle([380, 360, 680, 410], fill=self.BOARD)  # board
        d.polygon([(380, 410), (440, 410), (380, 470)], fill=self.STEEL)  # bracket
        for cy in (385, 440):
            d.ellipse([330, cy - 14, 358, cy + 14], fill=(170, 170, 176), outline=(90, 90, 96), width=3)
        return im

    def closeup_b(self):
        """The punched steel board (层板)."""
        im, d = on_white()
        d.rectangle([140, 260, 660, 540], fill=self.BOARD, outline=self.STEEL, width=6)
        for y in range(290, 530, 40):
            for x in range(170, 650, 40):
                d.ellipse([x, y, x + 14, y + 14], fill=(150, 150, 156))
        return im


DRAWINGS = {"nightstand": Nightstand, "box": FabricBoxes, "shelf": SteelShelf}


def product_on(kind, bg, size=(S, S)):
    im = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(im)
    w, h = size
    fx, fy, fw, fh = kind.frame
    kind.draw(d, int(w * fx), int(h * fy), int(w * fw), int(h * fh))
    return im


def collage(kind):
    tiles = [product_on(kind, WHITE), kind.scene_a(), kind.closeup_a(), kind.scene_b()]
    im = Image.new("RGB", (S, S), (70, 70, 70))  # dark divider lines between the pasted pictures
    half = (S - 6) // 2
    for k, t in enumerate(tiles):
        im.paste(t.resize((half, half)), ((k % 2) * (half + 6), (k // 2) * (half + 6)))
    return im


def images(drawing: str) -> dict[str, Image.Image]:
    """The eight candidates of one kind of product, by file name."""
    kind = DRAWINGS[drawing]()
    made = [
        kind.scene_a(),
        product_on(kind, LIGHT_GREY),
        product_on(kind, WHITE),
        collage(kind),
        kind.closeup_a(),
        product_on(kind, WHITE, size=(750, 1000)),
        kind.scene_b(),
        kind.closeup_b(),
    ]
    return dict(zip(FILES, made))


def write(product_id: str, out: Path | None = None) -> Path:
    """Draw and save one product's candidates; returns the folder."""
    folder = Path(out) if out else ASSETS / product_id
    folder.mkdir(parents=True, exist_ok=True)
    for name, im in images(FEATURED[product_id]["drawing"]).items():
        im.save(folder / name, optimize=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    ids = (sys.argv[1:] if argv is None else argv) or list(FEATURED)
    unknown = [p for p in ids if p not in FEATURED]
    if unknown:
        print(f"没有商品 {'、'.join(unknown)} 的主推资料；可选：{'、'.join(FEATURED)}（datasets/featured.py）。")
        return 1
    for pid in ids:
        folder = write(pid)
        print(pid, folder, sum(p.stat().st_size for p in folder.glob("cand_*.png")), "bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
