"""Chart geometry for server-rendered SVG (drawn by the macros in templates/admin/charts.html): numbers
in, shapes scaled into a fixed box out. No drawing library: a few rectangles are all a report needs."""
from dataclasses import dataclass

WIDTH, HEIGHT, GAP, HEADROOM = 560, 140, 4, 20
ROW, LABEL_WIDTH = 24, 170


@dataclass(frozen=True)
class Item:
    label: str  # what the bar stands for ("03 Nov", "Added to cart")
    value: int  # what it is scaled by
    text: str = ""  # the value as shown (money formatted, ...); the value itself by default
    tick: bool = True  # whether a column chart writes the label under its bar

    @property
    def shown(self):
        return self.text or str(self.value)


def column_chart(items, width=WIDTH, height=HEIGHT, gap=GAP):
    """Vertical bars side by side (a value per day): each with x, y, width, height and its item."""
    top = max((item.value for item in items), default=0) or 1
    bar_width = (width - gap * (len(items) - 1)) / max(len(items), 1)
    bars = []
    for i, item in enumerate(items):
        bar_height = round(max(item.value, 0) / top * (height - HEADROOM))
        bars.append({"x": round(i * (bar_width + gap), 1), "y": height - bar_height, "width": round(bar_width, 1),
                     "height": bar_height, "item": item})
    return {"bars": bars, "width": width, "height": height, "top": top}


def bar_rows(items, width=WIDTH, row=ROW, label_width=LABEL_WIDTH):
    """Horizontal bars, one row each (a funnel, a top list): label on the left, bar scaled to the widest."""
    top = max((item.value for item in items), default=0) or 1
    room = width - label_width - 60  # the value is written after the bar
    rows = [{"y": i * row, "width": round(max(item.value, 0) / top * room, 1), "item": item}
            for i, item in enumerate(items)]
    return {"rows": rows, "width": width, "height": max(len(items), 1) * row, "row": row,
            "label_width": label_width, "top": top}
