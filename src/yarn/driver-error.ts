// The error a failed driver printed, from its container's output. YARN's diagnostics of a failed
// PySpark application say only "User application exited with status 1": the Python traceback that
// says why is in the driver container's stdout, among whatever else the program printed. (A JVM
// driver's exception is in the diagnostics already: "User class threw exception: …".)

/** The exception line of the last Python traceback in `output`, or null when there is none. */
export function lastPythonError(output: string): string | null {
  const start = output.lastIndexOf('Traceback (most recent call last):');
  if (start < 0) return null;
  // The frames are indented; the first line after them that is not names the exception.
  const lines = output.slice(start).split('\n').slice(1);
  const line = lines.find((l) => l.length > 0 && !/^\s/.test(l));
  return line ? line.trim() : null;
}
