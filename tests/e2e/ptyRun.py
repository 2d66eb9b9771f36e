"""Run a command on a pseudo-terminal, type ANSWER + Enter once PROMPT shows, and exit with its code.

Usage: python3 ptyRun.py PROMPT ANSWER COMMAND [ARG...]
The terminal transcript goes to stdout. The fallback for tests/e2e/terminal.ts when tmux is missing.
"""
import os
import pty
import select
import sys


def main() -> int:
    prompt, answer, argv = sys.argv[1].encode(), sys.argv[2], sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    transcript = b""
    answered = False
    while True:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the command exited and closed the terminal
            data = b""
        if not data:
            break
        transcript += data
        if not answered and prompt in transcript:
            os.write(fd, (answer + "\r").encode())
            answered = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(transcript)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
