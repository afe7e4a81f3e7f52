/* watch — rebuilding whenever a source changes (--watch).
 *
 * Owns: the inotify watches on the report's folder (recursively, so every
 * included section and image is covered) and on the style sheet's folder,
 * and the rebuild loop: one line per rebuild with its time and
 * diagnostics. The PDF is replaced atomically by the build itself, so an
 * open viewer never sees a half-written file.
 * Failure: returns 2 when inotify cannot be set up; otherwise runs until
 * interrupted.
 */
#ifndef KCVS_WATCH_H
#define KCVS_WATCH_H

/* build is called once at the start and after each change; it returns the
 * exit status of that build and prints its own diagnostics. */
typedef int (*watch_build_fn)(void *user);

/* output (may be NULL) is the PDF the builds write: its own changes and
 * those of its temporary files are never taken for an edit. Its folder
 * must exist before the call. */
int watch_run(const char *source, const char *style_path, const char *output,
              watch_build_fn build, void *user);

#endif
