"""An executed notebook as one offline page: widget state and web references removed
(:func:`clean`), HTML without code from a lab template that fetches nothing (:func:`to_html`),
the audience's stamp (:func:`stamp`) and the final check that nothing refers to the web and
plotly.js is embedded once (:func:`check_offline`). Used by :mod:`qingmiao_lib.notebook_export`."""

from __future__ import annotations

import re

from .errors import QingmiaoError
from .published import STAMPS

#: The mimetype of a widget view: never left in an exported file.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: A tag that would make the browser fetch something from the web (http, https or //host).
REMOTE_REF = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?"
    r"\b(?:src|href|data)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)
_REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>\s*</script>", re.I)
#: What plotly.js starts with, once per embedded copy.
PLOTLYJS_BANNER = re.compile(r"\* plotly\.js v\d+\.\d+\.\d+")

# The lab template without what it would fetch from a CDN: require.js, MathJax, mermaid and the
# widget manager (html-manager), plus a line of style for the "drawn for these values" captions.
_TEMPLATE_NAME = "qingmiao-offline.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
body.jp-Notebook { max-width: 1200px; margin: 0 auto; }
.qm-static { color: #555; font-size: 0.92em; margin: 0.4em 0; }
.qm-withheld { color: #555; background: #f4f5f7; border-left: 3px solid #8a9199; padding: 0.4em 0.8em; }
.qm-stamp { position: sticky; top: 0; z-index: 10; margin: 0 0 1em; padding: 0.5em 1em;
  border: 2px solid #b23b3b; background: #fff5f5; color: #b23b3b; font-size: 1.25em;
  font-weight: bold; text-align: center; letter-spacing: 0.2em; }
</style>
{%- endblock extra_css -%}
"""


class NotOffline(QingmiaoError):
    """An exported file would still fetch something from the web."""


def clean(nb) -> list[str]:
    """Make an executed notebook fit for offline HTML, in place: no widget state or views, no
    ``<script src>`` from the web in HTML outputs, no stderr streams (returned, for the log),
    a title from its first heading."""
    nb.metadata.pop("widgets", None)
    warnings: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                warnings.append(out.get("text", "").strip())
                continue
            data = out.get("data")
            if data is not None:
                if WIDGET_VIEW in data:
                    continue
                if "text/html" in data:
                    html = data["text/html"]
                    html = "".join(html) if isinstance(html, list) else html
                    data["text/html"] = _REMOTE_SCRIPT.sub("", html)
            kept.append(out)
        cell.outputs = kept
    if "title" not in nb.metadata:
        for cell in nb.cells:
            m = re.search(r"^#\s+(.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
            if m:
                nb.metadata["title"] = m.group(1).strip()
                break
    return [w for w in warnings if w]


def to_html(nb) -> str:
    """An executed, cleaned notebook as one offline HTML page: outputs only."""
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab", template_file=_TEMPLATE_NAME,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        language_code="zh")
    body, _ = exporter.from_notebook_node(nb)
    return body


def stamp(html: str, audience: str) -> str:
    """The page with its audience's stamp at the top of the body (sticky, so it stays in view),
    and in the title; a circulated page is returned as it is."""
    text = STAMPS.get(audience)
    if text is None:
        return html
    banner = f'<div class="qm-stamp" role="note">{text}</div>'
    html, n = re.subn(r"(<body\b[^>]*>)", lambda m: m.group(1) + banner, html, count=1)
    if not n:
        raise NotOffline(f"页面没有 <body>，无法加盖“{text}”")
    return re.sub(r"<title>", f"<title>【{text}】", html, count=1)


def check_offline(html: str, name: str) -> None:
    """Refuse a page that would fetch from the web or carries plotly.js more than once."""
    remote = REMOTE_REF.search(html)
    if remote:
        raise NotOffline(f"{name}: 导出的页面仍引用网络资源：{remote.group(0)[:120]}")
    copies = len(PLOTLYJS_BANNER.findall(html))
    if copies > 1:
        raise NotOffline(f"{name}: plotly.js 嵌入了 {copies} 次")
    if "plotly-graph-div" in html and copies == 0:
        raise NotOffline(f"{name}: 页面有图形但没有嵌入 plotly.js（PLOTLY_RENDERER 不是 notebook？）")


__all__ = ["PLOTLYJS_BANNER", "REMOTE_REF", "WIDGET_VIEW", "NotOffline", "check_offline", "clean", "stamp",
           "to_html"]
