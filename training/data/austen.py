"""Jane Austen's six novels (Debian `r-cran-janeaustenr`, MIT package, public-domain text),
read through R."""
import subprocess
from common import write_paragraphs


def paragraphs():
    lines = subprocess.run(
        ["Rscript", "-e", "writeLines(janeaustenr::austen_books()$text)"],
        check=True, capture_output=True, text=True).stdout.split("\n")
    para = []
    for line in lines + [""]:
        if line.strip():
            para.append(line.strip())
        elif para:
            text = " ".join(para)
            para = []
            if not text.isupper():  # chapter headings
                yield text


if __name__ == "__main__":
    write_paragraphs("austen", paragraphs(), "public domain")
