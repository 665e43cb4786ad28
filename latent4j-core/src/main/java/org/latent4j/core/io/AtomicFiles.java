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
 * complete copies are then still on disk under their hidden names.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content of a file to a stream; the stream must not be kept after returning. */
    @FunctionalInterface
    public interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Fills a fresh, empty directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void writeInto(Path directory) throws IOException;
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Streams the content through {@code writer} (buffered); the target changes only if the writer returns. */
    public static void write(Path target, StreamWriter writer) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) throw new IOException(target + " is a directory, not a file");
        Files.createDirectories(dir);
        Path tmp = newSibling(file, ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
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
     */
    public static void writeDirectory(Path target, boolean replaceExisting, DirectoryWriter writer) throws IOException {
        Path dest = target.toAbsolutePath();
        Path parent = dest.getParent();
        checkReplaceable(target, dest, replaceExisting);
        Files.createDirectories(parent);
        Path tmp = newSibling(dest, ".tmp");
        Files.createDirectory(tmp);
        try {
            writer.writeInto(tmp);
            syncTree(tmp);
            checkReplaceable(target, dest, replaceExisting);
            if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
                Path old = newSibling(dest, ".old");
                Files.move(dest, old, StandardCopyOption.ATOMIC_MOVE);
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
                // The new directory is in place and durable; a failure to delete the old copy leaves only a
                // hidden leftover, which is no reason to report the write as failed.
                deleteTreeQuietly(old);
            } else {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(parent);
            }
        } catch (Throwable t) {
            deleteTreeQuietly(tmp);
            throw t;
        }
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
        String name = file.getFileName().toString();
        if (name.length() > 64) name = name.substring(0, 64);
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        return file.resolveSibling("." + name + "." + random + suffix);
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
