#!/usr/bin/env python3
"""Plots are written whole or not at all: gnuplot draws each image under a
temporary name that is renamed only when gnuplot succeeded, so a gnuplot
that dies half-way (a full disk) leaves the image of the last good render,
never a truncated one; the .gp script and .dat files go through
files.write_atomic.  A fake gnuplot on PATH writes a few bytes to the file
it is told to draw and fails.

usage: bench_plot_atomic_test.py
"""
import os
import shutil
import stat
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))

from psumbench import plots  # noqa: E402

# Finds where the script or its -e assignment says the PNG goes, writes a
# truncated image there and fails, as gnuplot on a full disk would.
FAKE_GNUPLOT = r"""#!/usr/bin/env python3
import re, sys
args = sys.argv[1:]
text = " ".join(args[1:2]) if args and args[0] == "-e" else ""
script = open(args[-1]).read()
m = re.search(r"png_out = '([^']+)'", text) or re.search(r"set output '([^']+)'", script)
with open(m.group(1), "wb") as f:
    f.write(b"\x89PNG trunc")
sys.stderr.write("gnuplot: write error: No space left on device\n")
sys.exit(1)
"""


class AtomicPlots(unittest.TestCase):
    def test_a_failed_gnuplot_leaves_the_old_image(self):
        tmp = tempfile.mkdtemp()
        saved = os.environ["PATH"]
        try:
            bindir = os.path.join(tmp, "bin")
            os.makedirs(bindir)
            fake = os.path.join(bindir, "gnuplot")
            with open(fake, "w") as f:
                f.write(FAKE_GNUPLOT.replace("/usr/bin/env python3", sys.executable))
            os.chmod(fake, os.stat(fake).st_mode | stat.S_IXUSR)
            os.environ["PATH"] = bindir + os.pathsep + saved
            outdir = os.path.join(tmp, "set")
            os.makedirs(outdir)
            with open(os.path.join(outdir, "rates.png"), "wb") as f:
                f.write(b"the last good image")
            frame = plots.Frame("caption", "")
            with self.assertRaises(RuntimeError):
                plots.render(outdir, "rates", "plot x\n", frame, "t")
            with open(os.path.join(outdir, "rates.png"), "rb") as f:
                self.assertEqual(f.read(), b"the last good image")
            self.assertEqual(sorted(os.listdir(outdir)), ["rates.gp", "rates.png"])
        finally:
            os.environ["PATH"] = saved
            shutil.rmtree(tmp)

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot is not installed")
    def test_the_script_still_redraws_under_the_real_names(self):
        with tempfile.TemporaryDirectory() as outdir:
            images = plots.render(outdir, "x", "plot x\n", plots.Frame("c", ""), "t")
            for path in images:
                self.assertGreater(os.path.getsize(path), 0)
                os.unlink(path)
            self.assertEqual(os.system(f"cd '{outdir}' && gnuplot x.gp"), 0)
            for path in images:
                self.assertGreater(os.path.getsize(path), 0)
            self.assertEqual(sorted(os.listdir(outdir)), ["x.gp", "x.png", "x.svg"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
