package org.cipherformer.threats;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One piece of the threat suite: the attack ids it reports, the files it reads (checked before anything runs, so a
 * missing model or corpus fails fast with the file's name), and how to run it at the requested size.
 *
 * @param name   short human name, e.g. {@code "T4 frequency analysis"}
 * @param ids    the attack ids its rows carry (a piece may report several)
 * @param needs  the input files or directories it reads under the given options
 * @param runner runs it
 */
public record SuitePiece(String name, List<String> ids, Needs needs, Runner runner) {
    public SuitePiece {
        ids = List.copyOf(ids);
    }

    /** Runs one piece. */
    @FunctionalInterface
    public interface Runner {
        /**
         * @param options  the suite's options (size, seed, key, data locations)
         * @param progress short human lines
         * @return the measured rows
         * @throws Exception whatever the piece throws; the suite turns it into an error row
         */
        List<AttackResult> run(RunOptions options, Consumer<String> progress) throws Exception;
    }

    /** The files a piece reads. */
    @FunctionalInterface
    public interface Needs {
        /**
         * @param options the suite's options
         * @return paths that must exist before the piece runs
         */
        List<Path> paths(RunOptions options);
    }
}
