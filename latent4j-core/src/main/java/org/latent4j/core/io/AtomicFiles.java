package org.latent4j.core.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes that either happen completely or not at all, so a crash or an exception never leaves a half-written
 * model, config or metrics file where a reader expects a whole one.
 *
 * <p>A file is written to a hidden temporary file in the same directory ({@code .NAME.RANDOM.tmp}), flushed to
 * disk with {@code fsync}, then renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE}, and the
 * directory is synced so that the rename itself survives a power loss. If anything fails before the rename,
 * the temporary file is deleted and the old target is untouched. Missing parent directories are created. The
 * new file gets the default permissions of the process (umask), not those of the file it replaces, and a
 * symbolic link at the target is replaced by the file rather than followed.
 *
 * <p>A directory ({@link #writeDirectory}) is written the same way under a hidden temporary name, every file
 * in it synced, then renamed into place. A directory cannot be swapped for another in one atomic step on
 * POSIX, so replacing an existing one takes two renames: the old directory to {@code .NAME.RANDOM.old}, the
 * new one into place, then the old one is deleted. A reader sees either the complete old directory or the
 * complete new one, or, only if the process dies between the two renames, no directory at that name; both
 * complete copies are then still on disk under their hidden names, and {@link #recoverDirectory} (which every
 * {@code writeDirectory} runs first, and readers of such directories run before they look) puts the newest
 * complete one back. A copy counts as complete once a marker file, {@value #COMPLETE_MARKER}, is written into it
 * after all its files are synced.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content of a file to a stream; the stream must not be kept after returning. */
    @FunctionalInterface
    public interface StreamWriter {
        /**
         * Writes the whole content.
         *
         * @param out where the content goes
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Fills a fresh, empty directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        /**
         * Writes every file of the directory.
         *
         * @param directory the fresh directory to fill
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeInto(Path directory) throws IOException;
    }

    /**
     * Replaces {@code target} with {@code bytes} atomically.
     *
     * @param target the file to replace or create
     * @param bytes  its new content
     * @throws IOException if the file cannot be written
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target} with {@code text} as UTF-8, atomically.
     *
     * @param target the file to replace or create
     * @param text   its new content
     * @throws IOException if the file cannot be written
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@return the content {@code writer} writes, held in memory: what {@link #write(Path, StreamWriter)} would put in a
     * file} For content that travels without a file (a model or codes shipped to Spark executors).
     *
     * @param writer writes the content
     */
    public static byte[] inMemory(StreamWriter writer) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            writer.writeTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("a writer failed on a ByteArrayOutputStream, which does not fail itself", e);
        }
        return out.toByteArray();
    }

    /**
     * Streams the content through {@code writer} (buffered); the target changes only if the writer returns.
     *
     * @param target the file to replace or create
     * @param writer writes the new content
     * @throws IOException if the file cannot be written
     */
    public static void write(Path target, StreamWriter writer) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) throw new IOException(target + " is a directory, not a file");
        Files.createDirectories(dir);
        Path tmp = newSibling(file, ".tmp");
        FileChannel opened;
        try {
            opened = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (java.nio.file.AccessDeniedException e) {
            // the hidden temporary name means nothing to a user: name the file asked for, and why
            throw new java.nio.file.AccessDeniedException(target.toString(), null, "permission denied (cannot create files in " + dir + ")");
        }
        try {
            try (FileChannel ch = opened) {
                BufferedOutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                // the writer may close the stream it is given; that must not close the channel before fsync
                writer.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush();
                    }
                });
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            deleteQuietly(tmp, t);
            throw t;
        }
        syncDirectory(dir);
    }

    /**
     * Writes a whole directory: {@code writer} fills a fresh hidden directory next to {@code target}, which is
     * then synced and renamed to {@code target}. If {@code target} exists it is replaced when
     * {@code replaceExisting} is true (see the class comment for the two-rename step), and otherwise nothing is
     * written and {@link FileAlreadyExistsException} is thrown. If the writer throws, the temporary directory
     * is removed and {@code target} is untouched.
     *
     * @param target          the directory to create or replace
     * @param replaceExisting whether an existing {@code target} is replaced (else it is an error)
     * @param writer          fills the new directory
     * @throws IOException if the directory cannot be written, or exists and may not be replaced
     */
    public static void writeDirectory(Path target, boolean replaceExisting, DirectoryWriter writer) throws IOException {
        Path dest = target.toAbsolutePath();
        Path parent = dest.getParent();
        Files.createDirectories(parent);
        recoverDirectory(dest);
        checkReplaceable(target, dest, replaceExisting);
        Path tmp = newSibling(dest, ".tmp");
        Files.createDirectory(tmp);
        try {
            writer.writeInto(tmp);
            syncTree(tmp);
            Files.write(tmp.resolve(COMPLETE_MARKER), new byte[0]);
            syncTree(tmp);
            crashPoint("written");
            checkReplaceable(target, dest, replaceExisting);
            if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
                Path old = newSibling(dest, ".old");
                Files.move(dest, old, StandardCopyOption.ATOMIC_MOVE);
                crashPoint("between renames");
                try {
                    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                } catch (Throwable t) {
                    try {
                        Files.move(old, dest, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException restore) {
                        t.addSuppressed(restore);
                    }
                    throw t;
                }
                syncDirectory(parent);
                crashPoint("renamed");
                dropMarker(dest);
                // The new directory is in place and durable; a failure to delete the old copy leaves only a
                // hidden leftover, which is no reason to report the write as failed.
                deleteTreeQuietly(old);
            } else {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(parent);
                dropMarker(dest);
            }
        } catch (SimulatedCrash crash) {
            throw crash; // a killed process cleans up nothing
        } catch (Throwable t) {
            deleteTreeQuietly(tmp);
            throw t;
        }
    }

    /** The file that marks a hidden copy of a directory as completely written and synced. */
    public static final String COMPLETE_MARKER = ".complete";

    /**
     * Puts a directory that {@link #writeDirectory} was replacing back in place after the process died, and removes
     * the hidden leftovers of earlier writes. When {@code target} is missing, the newest hidden copy marked complete
     * (the new one, if the process died between the two renames) becomes {@code target}; when it exists, the
     * leftovers are deleted: an unmarked copy was never finished, a marked one never took the place of the
     * directory that is there. Meant for one writer at a time (a run directory is used by one process).
     *
     * @param target the directory that {@link #writeDirectory} writes
     * @return whether {@code target} was restored from a hidden copy
     * @throws IOException if the leftovers cannot be renamed or deleted
     */
    public static boolean recoverDirectory(Path target) throws IOException {
        Path dest = target.toAbsolutePath();
        Path parent = dest.getParent();
        if (parent == null || !Files.isDirectory(parent)) return false;
        String prefix = "." + truncated(dest.getFileName().toString()) + ".";
        java.util.List<Path> copies = new java.util.ArrayList<>();
        try (var list = Files.list(parent)) {
            list.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && (n.endsWith(".tmp") || n.endsWith(".old")) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            }).forEach(copies::add);
        }
        if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) dropMarker(dest);
        if (copies.isEmpty()) return false;
        boolean restored = false;
        if (!Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
            Path best = null;
            for (Path c : copies) {
                if (!Files.exists(c.resolve(COMPLETE_MARKER))) continue;
                // a new copy (.tmp) is newer than the old one it was replacing
                if (best == null || c.getFileName().toString().endsWith(".tmp")) best = c;
            }
            if (best != null) {
                Files.move(best, dest, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(parent);
                dropMarker(dest);
                copies.remove(best);
                restored = true;
            }
        }
        for (Path c : copies) deleteTreeQuietly(c);
        return restored;
    }

    /** The marker has done its work once the copy is in place; a reader of the directory should not see it. */
    private static void dropMarker(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(COMPLETE_MARKER));
        } catch (IOException e) {
            // a leftover marker in place does no harm: recovery only reads markers of hidden copies
        }
    }

    /**
     * Where a test may simulate a crash ({@link SimulatedCrash} thrown from the hook skips every clean-up, as a kill
     * would): "written" (the new copy complete, nothing renamed), "between renames" (the old copy moved aside, the
     * new one not yet in place), "renamed" (the new one in place, the old one not yet deleted).
     */
    static volatile java.util.function.Consumer<String> crashHook;

    /** Thrown by a test's {@link #crashHook} to stop a write as a kill would. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String point) {
            super("simulated crash at " + point);
        }
    }

    private static void crashPoint(String point) {
        var hook = crashHook;
        if (hook != null) hook.accept(point);
    }

    private static void checkReplaceable(Path target, Path dest, boolean replaceExisting) throws IOException {
        if (!Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a directory");
        }
        if (!replaceExisting) {
            throw new FileAlreadyExistsException(target.toString(), null, "already exists and replaceExisting is false");
        }
    }

    /** A hidden name next to {@code file} that no one else uses; the name part is cut to stay within 255 bytes. */
    private static Path newSibling(Path file, String suffix) {
        String name = truncated(file.getFileName().toString());
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        return file.resolveSibling("." + name + "." + random + suffix);
    }

    private static String truncated(String name) {
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /** Makes a rename in {@code dir} durable; platforms that cannot open a directory (Windows) skip this. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException unsupported) {
            // The rename is atomic either way; only its durability across a power loss is weaker here.
        }
    }

    private static void syncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                syncDirectory(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path file, Throwable primary) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    /** Deletes a tree without following symbolic links; best effort. */
    static void deleteTreeQuietly(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (DirectoryNotEmptyException ignored) {
                        // something appeared concurrently; leave it rather than fail
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // already removed
        } catch (IOException e) {
            // leftovers are hidden names; never mask the caller's own outcome for them
        }
    }
}
