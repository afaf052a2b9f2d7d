package org.cipherformer.model.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root (the directory holding {@code model/} and {@code pom.xml}) from a working directory. */
public final class RepoPaths {
    private RepoPaths() {
    }

    /**
     * Walks up from {@code start} to the first directory that contains both {@code pom.xml} and {@code model/pom.xml}.
     *
     * @param start a directory inside the repository (e.g. the module directory Maven runs tests in)
     * @return the repository root
     * @throws IllegalStateException if no ancestor qualifies
     */
    public static Path root(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isRegularFile(p.resolve("model/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (pom.xml + model/pom.xml) above " + start);
    }

    /** @return the repository root found from the current working directory */
    public static Path root() {
        return root(Path.of(System.getProperty("user.dir")));
    }
}
