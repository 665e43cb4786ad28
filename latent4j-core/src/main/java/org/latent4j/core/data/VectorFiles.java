package org.latent4j.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.latent4j.core.data.io.CsvReader;
import org.latent4j.core.data.io.IdxReader;
import org.latent4j.core.data.io.NpyReader;
import org.latent4j.core.data.io.VecsReader;
import org.latent4j.tensor.Tensor;

/**
 * A file of vectors as a data set, its format chosen by its extension: {@code .npy} (any numeric dtype; [n, d], or
 * [n, h, w] read as images of h x w), {@code .csv} (numbers, a header line optional), {@code .fvecs}/{@code .bvecs}
 * /{@code .ivecs} (optionally gzipped) and {@code .idx}/{@code .idx.gz} (unsigned bytes are scaled to [0, 1], as
 * every image loader of this library does). Rows are vectors, unlabelled. Every value must be finite: a NaN or an
 * infinity is refused with its row and column, before any training sees it.
 */
public final class VectorFiles {
    private VectorFiles() {}

    /** The extensions read, for messages and help texts. */
    public static final String EXTENSIONS = ".npy, .csv, .fvecs, .bvecs, .ivecs (optionally .gz), .idx, .idx.gz";

    /**
     * Whether {@code path}'s name has one of the extensions read.
     *
     * @param path the file; only its name is looked at
     * @return true for .npy, .csv, .idx, *-ubyte and .fvecs/.bvecs/.ivecs names
     */
    public static boolean isVectorFile(Path path) {
        String n = name(path);
        return n.endsWith(".npy") || n.endsWith(".csv") || n.endsWith(".idx") || n.matches(".*\\.[fbi]vecs") || n.endsWith("-ubyte");
    }

    /**
     * A data set whose labels came from a column of class labels, and the names of its classes (class id i is
     * {@code classes.get(i)}).
     *
     * @param data the features and, as labels, the class ids
     * @param classes the class names by id; a copy is kept
     */
    public record Labelled(Dataset data, List<String> classes) {
        /** Copies {@code classes}, so that the record cannot change under its reader. */
        public Labelled {
            classes = List.copyOf(classes);
        }
    }

    /**
     * Reads a CSV file one of whose columns holds each row's class; that column is not a feature. Labels that are
     * all whole numbers from 0 are the class ids themselves (classes "0" .. the largest); otherwise each distinct
     * label is a class, numbered in order of first appearance after {@code knownClasses} (the classes of an earlier
     * read, so that a test file maps its classes as the training file did).
     *
     * @param path the CSV file
     * @param labelColumn the column's header name, or its number counting from 1
     * @param knownClasses the classes of an earlier read, which keep their ids; empty for none
     * @return the data set with its labels, and every class seen
     * @throws DataFileException when the file is not a readable CSV file, the column does not exist, or a value is
     *     not a finite number
     */
    public static Labelled readLabelled(Path path, String labelColumn, List<String> knownClasses) throws DataFileException {
        if (!name(path).endsWith(".csv")) {
            throw new DataFileException(path.toString(), "is not a CSV file; a label column is read from .csv files only");
        }
        requireFile(path);
        CsvReader.LabelledTable t = CsvReader.read(path, CsvReader.Format.DEFAULT, labelColumn);
        Tensor x = t.table().values();
        checkShape(path, x);
        checkFinite(path, x);
        List<String> cells = t.labels();
        int[] labels = new int[cells.size()];
        List<String> classes = new ArrayList<>(knownClasses);
        boolean whole = knownClasses.stream().allMatch(c -> c.matches("[0-9]{1,9}")) && cells.stream().allMatch(c -> c.matches("[0-9]{1,9}"));
        if (whole) {
            int max = -1;
            for (int i = 0; i < labels.length; i++) max = Math.max(max, labels[i] = Integer.parseInt(cells.get(i)));
            for (int c = classes.size(); c <= max; c++) classes.add(Integer.toString(c));
        } else {
            Map<String, Integer> ids = new HashMap<>();
            for (int i = 0; i < classes.size(); i++) ids.putIfAbsent(classes.get(i), i);
            for (int i = 0; i < labels.length; i++) {
                labels[i] = ids.computeIfAbsent(cells.get(i), c -> {
                    classes.add(c);
                    return classes.size() - 1;
                });
            }
        }
        return new Labelled(new Dataset(path.getFileName().toString(), x.contiguous(), labels, null), classes);
    }

    /**
     * Reads {@code path} as a data set named after the file.
     *
     * @param path the file, its format given by its extension
     * @return the rows of the file, unlabelled
     * @throws DataFileException when the file cannot be read, its format is unknown, or a value is not finite
     */
    public static Dataset read(Path path) throws DataFileException {
        requireFile(path);
        String n = name(path);
        String label = path.getFileName().toString();
        Tensor x;
        int[] imageShape = null;
        if (n.endsWith(".npy")) {
            Tensor t = NpyReader.read(path);
            int[] s = t.shape();
            if (s.length == 3) imageShape = new int[] {s[1], s[2]};
            else if (s.length != 2 && s.length != 1) {
                throw new DataFileException(path.toString(), "holds an array of shape " + java.util.Arrays.toString(s)
                        + "; vectors are [rows, features], or [rows, height, width] for images");
            }
            x = s.length == 2 ? t : t.reshape(s[0], t.size() / Math.max(1, s[0]));
        } else if (n.endsWith(".csv")) {
            x = CsvReader.read(path).values();
        } else if (n.matches(".*\\.[fbi]vecs")) {
            x = VecsReader.read(path);
        } else if (n.endsWith(".idx") || n.endsWith("-ubyte")) {
            IdxReader.IdxArray a = IdxReader.read(path);
            int[] s = a.shape();
            if (s.length == 3) imageShape = new int[] {s[1], s[2]};
            else if (s.length != 2) throw new DataFileException(path.toString(), "holds an IDX array of rank " + s.length + "; vectors need rank 2 or 3");
            x = a.values().reshape(s[0], a.values().size() / Math.max(1, s[0]));
            if (a.type() == IdxReader.Type.UBYTE) x = Preprocessing.scaleBytes(x);
        } else {
            throw new DataFileException(path.toString(), "has an extension this reader does not know; the data files read are " + EXTENSIONS);
        }
        checkShape(path, x);
        checkFinite(path, x);
        return new Dataset(label, x.contiguous(), null, imageShape);
    }

    private static void requireFile(Path path) throws DataFileException {
        if (!Files.isRegularFile(path)) {
            throw new DataFileException(path.toString(), Files.exists(path) ? "is not a regular file" : "no such file");
        }
    }

    private static void checkShape(Path path, Tensor x) throws DataFileException {
        if (x.dim(0) == 0) throw new DataFileException(path.toString(), "holds no rows");
        if (x.dim(1) == 0) throw new DataFileException(path.toString(), "holds rows of no features");
    }

    private static void checkFinite(Path path, Tensor x) throws DataFileException {
        float[] v = x.contiguous().toArray();
        int d = x.dim(1);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new DataFileException(path.toString(), "row " + (i / d + 1) + ", feature " + (i % d + 1) + " is " + v[i]
                        + "; every value must be a finite number (drop or fill missing values first)");
            }
        }
    }

    private static String name(Path path) {
        String n = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
    }
}
