package org.cipherformer.threats;

import java.util.Arrays;

/**
 * Minimum-cost perfect matching of an n x n cost matrix (the Hungarian method with row/column potentials and
 * shortest augmenting paths, O(n^3)): finds the permutation {@code p} minimising {@code sum_i cost[i][p(i)]}. Used
 * by T6 to align two sets of hidden coordinates as a whole rather than each coordinate greedily (a greedy nearest
 * neighbour can send two coordinates to one).
 */
public final class MinCostAssignment {
    private MinCostAssignment() {
    }

    /**
     * @param cost square matrix of finite costs
     * @return {@code p[i]} = column assigned to row i
     * @throws IllegalArgumentException if the matrix is not square or holds a non-finite cost
     */
    public static int[] solve(double[][] cost) {
        int n = cost.length;
        for (int i = 0; i < n; i++) {
            if (cost[i].length != n) {
                throw new IllegalArgumentException("cost row " + i + " has " + cost[i].length + " entries, expected "
                        + n);
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(cost[i][j])) {
                    throw new IllegalArgumentException("cost[" + i + "][" + j + "] is " + cost[i][j]);
                }
            }
        }
        // 1-based arrays: u, v potentials; match[j] = row matched to column j (0 = none)
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] match = new int[n + 1];
        int[] way = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            match[0] = i;
            int j0 = 0;
            double[] minv = new double[n + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[n + 1];
            do {
                used[j0] = true;
                int i0 = match[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = -1;
                for (int j = 1; j <= n; j++) {
                    if (!used[j]) {
                        double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[match[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (match[j0] != 0);
            do {
                int j1 = way[j0];
                match[j0] = match[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] p = new int[n];
        for (int j = 1; j <= n; j++) {
            p[match[j] - 1] = j - 1;
        }
        return p;
    }
}
