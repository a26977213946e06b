"""Example questions: for each article, questions staff would type when that article is the answer,
kept in a file beside the document (`规则.txt` → `规则.questions.tsv`, one `article<TAB>question` a
line, `#` comments) and embedded beside the article's sentences.

Staff describe what a term of art names instead of naming it ("没人投诉就先把问题解决掉" for 未诉先办),
and the small embedding model does not bridge such a gap from the article's own sentences; a
question written in the same everyday words does (doc2query). `HybridSearcher` lets an article's
closest example question stand in for its best sentence. The bundled rule book's file was written
from the rule book alone, blind to every evaluation question (see its header).

Example::

    path = examples_path(Path("规则.txt"))                           # 规则.questions.tsv
    parse_examples(path.read_bytes(), path=path, articles={1, 2})  # ((1, '规则是照着哪些法律定的?'), …)
"""

from __future__ import annotations

from pathlib import Path


class ExampleFileError(ValueError):
    """The example-question file is unusable; the message is Chinese and names the line."""


def examples_path(document_path: Path) -> Path:
    """Where a document's example questions live: beside it, `<stem>.questions.tsv`."""
    return document_path.with_name(f"{document_path.stem}.questions.tsv")


def format_examples(examples: tuple[tuple[int, str], ...], *, header: str) -> str:
    """The file text for `examples`, `header` as its leading comment lines."""
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + "".join(f"{article}\t{question}\n" for article, question in examples)


def parse_examples(raw: bytes, *, path: Path, articles: set[int]) -> tuple[tuple[int, str], ...]:
    """(article, question) pairs of the file's bytes `raw`, in file order; every article number must
    be one of `articles`. `path` names the file in error messages."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExampleFileError(f"示例问题文件不是 UTF-8 编码:{path}。请另存为 UTF-8。") from None
    examples = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        article, _, question = line.partition("\t")
        if not article.strip().isdecimal() or not question.strip():
            raise ExampleFileError(f"{path} 第{number}行格式不对:应为「条款序号<Tab>问题」,例如「48<Tab>材料提前几天报?」。")
        if int(article) not in articles:
            raise ExampleFileError(f"{path} 第{number}行:文件中没有第{int(article)}条。")
        examples.append((int(article), question.strip()))
    return tuple(examples)
