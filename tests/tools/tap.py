"""TAP for the Python tests that run many cases in one program (the shell
tests' is tap.sh): report() prints one test line, with up to 20 lines of
diagnostics when it failed; plan() prints "1..N" last and returns the exit
status, 1 if any case failed."""
count = failed = 0


def report(ok, what, detail=""):
    global count, failed
    count += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {count} - {what}")
    if not ok and detail:
        for line in detail.strip().splitlines()[:20]:
            print(f"# {line}")


def plan():
    print(f"1..{count}")
    return 1 if failed else 0
