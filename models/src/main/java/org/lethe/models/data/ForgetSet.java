package org.lethe.models.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows an erasure request (or several in sequence) forgets, resolved against a split: the
 * training rows to forget and to retain, and, for cohort requests, the forget and retain cohorts of
 * the validation and test rows (for random or explicit requests those are empty and all held-out
 * rows count as retain).
 */
public record ForgetSet(String definition, int[] trainForget, int[] trainRetain, int[] validationForget,
                        int[] validationRetain, int[] testForget, int[] testRetain, boolean cohort) {

    /** Resolves {@code spec} ({@code ;}-separated requests, applied in order) on a split; random draws use {@code seed}. */
    public static ForgetSet resolve(String spec, RegressionData data, Split split, long seed) {
        List<ForgetRequest> requests = ForgetRequest.parseAll(spec);
        int[] available = split.train().clone();
        List<Integer> forgotten = new ArrayList<>();
        boolean[] cohort = null;
        for (int k = 0; k < requests.size(); k++) {
            ForgetRequest r = requests.get(k);
            int[] picked = r.trainRows(data, available, seed + k);
            if (picked.length == 0) {
                throw new DataException("forget " + org.lethe.models.Messages.quote(r.definition()) + " selects no training rows");
            }
            for (int p : picked) {
                forgotten.add(p);
            }
            int[] rest = Arrays.stream(available).filter(x -> Arrays.binarySearch(picked, x) < 0).toArray();
            if (rest.length == 0) {
                throw new DataException("forget " + org.lethe.models.Messages.quote(spec.trim()) + " selects every training row; nothing would remain");
            }
            available = rest;
            if (r.isCohort()) {
                boolean[] c = r.cohort(data);
                if (cohort == null) {
                    cohort = c;
                } else {
                    for (int i = 0; i < c.length; i++) {
                        cohort[i] |= c[i];
                    }
                }
            }
        }
        int[] trainForget = forgotten.stream().mapToInt(Integer::intValue).sorted().toArray();
        boolean[] c = cohort;
        int[][] val = partition(split.validation(), c);
        int[][] test = partition(split.test(), c);
        return new ForgetSet(spec.trim(), trainForget, available, val[0], val[1], test[0], test[1], c != null);
    }

    private static int[][] partition(int[] rows, boolean[] cohort) {
        if (cohort == null) {
            return new int[][] {new int[0], rows.clone()};
        }
        return new int[][] {Arrays.stream(rows).filter(r -> cohort[r]).toArray(),
            Arrays.stream(rows).filter(r -> !cohort[r]).toArray()};
    }

    /** A mask over the data set's rows marking the training rows to forget. */
    public boolean[] forgetMask(int size) {
        boolean[] m = new boolean[size];
        for (int r : trainForget) {
            m[r] = true;
        }
        return m;
    }

    /** For results: the definition and the sizes. */
    public java.util.Map<String, Object> describe() {
        return java.util.Map.of("definition", definition, "train_forget", trainForget.length, "train_retain",
                trainRetain.length, "test_forget", testForget.length, "test_retain", testRetain.length, "cohort", cohort);
    }
}
