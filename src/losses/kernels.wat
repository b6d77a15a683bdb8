;; The evaluator's SIMD kernels: loops of the losses whose JavaScript path is bound by exp, log or the
;; comparisons of each element, on two doubles at a time. They read the tensors where they live, in
;; the shared memory of `tensor/storage.ts`; `simd.ts` instantiates this module on it, fills the
;; tables below from `fastmath.ts` and calls the kernels a block at a time. Each does in the same
;; order the arithmetic its JavaScript loop does, so a term is the same double either way; only where
;; the running sums are two lanes instead of one running sum may a total differ, in its last bits.
;;
;; Layout of the reserved first four pages (byte addresses):
;;        0  e^(j/128), j = -2048 .. 2047                          fastmath's exp table (4096 doubles)
;;    32768  rows of (g, 1/g, log g high, log g low)               fastmath's log table (2048 rows)
;;    98304  2^(i - 1023), i = 0 .. 2047                           fastmath's scale table
;;   114688  constants, 8 bytes each:
;;             +0 E1  +8 E2  +16 E3  +24 E4  +32 E5  (exp's Taylor coefficients)
;;             +40 ROUND (1.5 * 2^52)  +48 EXP_MIN  +56 EXP_MAX
;;             +64 L2  +72 L3  +80 L4  +88 L5  (log1p's Taylor coefficients)
;;             +96 LN2_HI  +104 LN2_LO
;;             +112 64/ln2  +120 LN2_HI/64  +128 LN2_LO/64  +136 1/6  +144 1/24  +152 1/120  +160 1/720
;;   115712  2^(j/64), j = 0 .. 63                             fastmath's wide exp table
;;   116736  a kernel's running sums between blocks (`state`)
;;   131072  rows of log(1 + e^(-j/128)) and its Taylor coefficients, 6 doubles a row (2048 rows)
;;                                                             fastmath's softplus table
(module
  (import "env" "memory" (memory 4 16384 shared))
  ;; fastmath's exp and Math.log, for the arguments outside the tables' range (rare: a lane at a time).
  (import "env" "exp" (func $exp_js (param f64) (result f64)))
  (import "env" "log" (func $log_js (param f64) (result f64)))
  ;; fastmath's softplus, log(1 + e^z), for |z| of 12 and more (a lane at a time).
  (import "env" "softplus" (func $softplus_js (param f64) (result f64)))

  (global $EXP i32 (i32.const 0))
  (global $LOG i32 (i32.const 32768))
  (global $SCALE i32 (i32.const 98304))
  (global $K i32 (i32.const 114688))
  (global $POW2J i32 (i32.const 115712))
  (global $SOFTPLUS i32 (i32.const 131072))

  ;; e^x: fastmath's `exp`. In (EXP_MIN, EXP_MAX): n = round(128 x), u = 128 x - n, e^(n/128)
  ;; from the table times its degree-5 Taylor polynomial in u. In (-708, 708): `expWide`, x =
  ;; (64 k + j) ln2/64 + r, e^x = 2^k 2^(j/64) e^r (2^k made from its bits: k is at least -1022
  ;; there, a normal number, as fastmath's table of it holds). Elsewhere, and for nan: the import.
  (func $exp1 (param $x f64) (result f64)
    (local $s f64) (local $n f64) (local $u f64) (local $t f64) (local $r f64) (local $index i32) (local $j i32)
    (if (i32.and
          (f64.gt (local.get $x) (f64.load offset=48 (global.get $K)))
          (f64.lt (local.get $x) (f64.load offset=56 (global.get $K))))
      (then
        (local.set $s (f64.mul (local.get $x) (f64.const 128)))
        (local.set $n (f64.sub (f64.add (local.get $s) (f64.load offset=40 (global.get $K))) (f64.load offset=40 (global.get $K))))
        (local.set $u (f64.sub (local.get $s) (local.get $n)))
        (local.set $t
          (f64.load
            (i32.add (global.get $EXP)
              (i32.shl (i32.and (i32.add (i32.trunc_f64_s (local.get $n)) (i32.const 2048)) (i32.const 4095)) (i32.const 3)))))
        (return
          (f64.add (local.get $t)
            (f64.mul (local.get $t)
              (f64.mul (local.get $u)
                (f64.add (f64.load offset=0 (global.get $K))
                  (f64.mul (local.get $u)
                    (f64.add (f64.load offset=8 (global.get $K))
                      (f64.mul (local.get $u)
                        (f64.add (f64.load offset=16 (global.get $K))
                          (f64.mul (local.get $u)
                            (f64.add (f64.load offset=24 (global.get $K))
                              (f64.mul (local.get $u) (f64.load offset=32 (global.get $K))))))))))))))))
    (if (i32.eqz (i32.and (f64.gt (local.get $x) (f64.const -708)) (f64.lt (local.get $x) (f64.const 708))))
      (then (return (call $exp_js (local.get $x)))))
    ;; n = round(x 64/ln2), r = x - n LN2_HI/64 - n LN2_LO/64
    (local.set $n
      (f64.sub
        (f64.add (f64.mul (local.get $x) (f64.load offset=112 (global.get $K))) (f64.load offset=40 (global.get $K)))
        (f64.load offset=40 (global.get $K))))
    (local.set $r
      (f64.sub
        (f64.sub (local.get $x) (f64.mul (local.get $n) (f64.load offset=120 (global.get $K))))
        (f64.mul (local.get $n) (f64.load offset=128 (global.get $K)))))
    (local.set $index (i32.trunc_f64_s (local.get $n)))
    (local.set $j (i32.and (local.get $index) (i32.const 63)))
    (local.set $t (f64.load (i32.add (global.get $POW2J) (i32.shl (local.get $j) (i32.const 3)))))
    ;; (t + t p) 2^k, p = r + r^2 (1/2 + r (1/6 + r (1/24 + r (1/120 + r/720))))
    (f64.mul
      (f64.add (local.get $t)
        (f64.mul (local.get $t)
          (f64.add (local.get $r)
            (f64.mul (f64.mul (local.get $r) (local.get $r))
              (f64.add (f64.const 0.5)
                (f64.mul (local.get $r)
                  (f64.add (f64.load offset=136 (global.get $K))
                    (f64.mul (local.get $r)
                      (f64.add (f64.load offset=144 (global.get $K))
                        (f64.mul (local.get $r)
                          (f64.add (f64.load offset=152 (global.get $K))
                            (f64.mul (local.get $r) (f64.load offset=160 (global.get $K))))))))))))))
      (f64.reinterpret_i64
        (i64.shl
          (i64.extend_i32_s (i32.add (i32.shr_s (i32.sub (local.get $index) (local.get $j)) (i32.const 6)) (i32.const 1023)))
          (i64.const 52)))))

  ;; e^d for both lanes, each as `$exp1` makes it: the table path on both when both are in its
  ;; range; the table's and the wide path's, each lane taking its own, when both are in (-708, 708);
  ;; `$exp1` on each lane otherwise.
  (func $exp2 (param $d v128) (result v128)
    (local $in v128)
    (local.set $in
      (v128.and
        (f64x2.gt (local.get $d) (v128.load64_splat offset=48 (global.get $K)))
        (f64x2.lt (local.get $d) (v128.load64_splat offset=56 (global.get $K)))))
    (if (i64x2.all_true (local.get $in))
      (then (return (call $expTable2 (local.get $d)))))
    (if (i64x2.all_true
          (v128.and
            (f64x2.gt (local.get $d) (f64x2.splat (f64.const -708)))
            (f64x2.lt (local.get $d) (f64x2.splat (f64.const 708)))))
      (then
        (if (i32.eqz (v128.any_true (local.get $in)))
          (then (return (call $expWide2 (local.get $d)))))
        (return (v128.bitselect (call $expTable2 (local.get $d)) (call $expWide2 (local.get $d)) (local.get $in)))))
    (f64x2.replace_lane 1
      (f64x2.splat (call $exp1 (f64x2.extract_lane 0 (local.get $d))))
      (call $exp1 (f64x2.extract_lane 1 (local.get $d)))))

  ;; `$exp1`'s table path on both lanes (the index read from s + ROUND, which holds round(s) in its
  ;; low 32 bits; masked, so a lane outside the range reads the table, its value then unused).
  (func $expTable2 (param $d v128) (result v128)
    (local $s v128) (local $n v128) (local $u v128) (local $i v128) (local $t v128)
    (local.set $s (f64x2.mul (local.get $d) (f64x2.splat (f64.const 128))))
    (local.set $i (f64x2.add (local.get $s) (v128.load64_splat offset=40 (global.get $K))))
    (local.set $n (f64x2.sub (local.get $i) (v128.load64_splat offset=40 (global.get $K))))
    (local.set $u (f64x2.sub (local.get $s) (local.get $n)))
    (local.set $i
      (i32x4.shl
        (v128.and (i32x4.add (local.get $i) (i32x4.splat (i32.const 2048))) (i32x4.splat (i32.const 4095)))
        (i32.const 3)))
    (local.set $t
      (f64x2.replace_lane 1
        (v128.load64_zero (i32.add (global.get $EXP) (i32x4.extract_lane 0 (local.get $i))))
        (f64.load (i32.add (global.get $EXP) (i32x4.extract_lane 2 (local.get $i))))))
    (f64x2.add (local.get $t)
      (f64x2.mul (local.get $t)
        (f64x2.mul (local.get $u)
          (f64x2.add (v128.load64_splat offset=0 (global.get $K))
            (f64x2.mul (local.get $u)
              (f64x2.add (v128.load64_splat offset=8 (global.get $K))
                (f64x2.mul (local.get $u)
                  (f64x2.add (v128.load64_splat offset=16 (global.get $K))
                    (f64x2.mul (local.get $u)
                      (f64x2.add (v128.load64_splat offset=24 (global.get $K))
                        (f64x2.mul (local.get $u) (v128.load64_splat offset=32 (global.get $K))))))))))))))

  ;; `$exp1`'s wide path on both lanes, for arguments in (-708, 708).
  (func $expWide2 (param $x v128) (result v128)
    (local $s v128) (local $n v128) (local $r v128) (local $t v128) (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32)
    ;; n = round(x 64/ln2), r = x - n LN2_HI/64 - n LN2_LO/64
    (local.set $s (f64x2.add (f64x2.mul (local.get $x) (v128.load64_splat offset=112 (global.get $K))) (v128.load64_splat offset=40 (global.get $K))))
    (local.set $n (f64x2.sub (local.get $s) (v128.load64_splat offset=40 (global.get $K))))
    (local.set $r
      (f64x2.sub
        (f64x2.sub (local.get $x) (f64x2.mul (local.get $n) (v128.load64_splat offset=120 (global.get $K))))
        (f64x2.mul (local.get $n) (v128.load64_splat offset=128 (global.get $K)))))
    (local.set $i0 (i32x4.extract_lane 0 (local.get $s)))
    (local.set $i1 (i32x4.extract_lane 2 (local.get $s)))
    (local.set $j0 (i32.and (local.get $i0) (i32.const 63)))
    (local.set $j1 (i32.and (local.get $i1) (i32.const 63)))
    (local.set $t
      (f64x2.replace_lane 1
        (v128.load64_zero (i32.add (global.get $POW2J) (i32.shl (local.get $j0) (i32.const 3))))
        (f64.load (i32.add (global.get $POW2J) (i32.shl (local.get $j1) (i32.const 3))))))
    ;; (t + t p) 2^k, p = r + r^2 (1/2 + r (1/6 + r (1/24 + r (1/120 + r/720))))
    (f64x2.mul
      (f64x2.add (local.get $t)
        (f64x2.mul (local.get $t)
          (f64x2.add (local.get $r)
            (f64x2.mul (f64x2.mul (local.get $r) (local.get $r))
              (f64x2.add (f64x2.splat (f64.const 0.5))
                (f64x2.mul (local.get $r)
                  (f64x2.add (v128.load64_splat offset=136 (global.get $K))
                    (f64x2.mul (local.get $r)
                      (f64x2.add (v128.load64_splat offset=144 (global.get $K))
                        (f64x2.mul (local.get $r)
                          (f64x2.add (v128.load64_splat offset=152 (global.get $K))
                            (f64x2.mul (local.get $r) (v128.load64_splat offset=160 (global.get $K))))))))))))))
      (i64x2.replace_lane 1
        (i64x2.splat
          (i64.shl
            (i64.extend_i32_s (i32.add (i32.shr_s (i32.sub (local.get $i0) (local.get $j0)) (i32.const 6)) (i32.const 1023)))
            (i64.const 52)))
        (i64.shl
          (i64.extend_i32_s (i32.add (i32.shr_s (i32.sub (local.get $i1) (local.get $j1)) (i32.const 6)) (i32.const 1023)))
          (i64.const 52)))))

  ;; log x, one lane: `$log2`'s arithmetic on a double, or Math.log where fastmath takes it.
  (func $log1 (param $x f64) (result f64)
    (local $high i32) (local $row i32) (local $k i32) (local $kf f64) (local $r f64)
    (local.set $high (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
    (if (i32.ge_u (i32.sub (local.get $high) (i32.const 0x00100000)) (i32.const 0x7fe00000))
      (then (return (call $log_js (local.get $x)))))
    (local.set $row
      (i32.add (global.get $LOG)
        (i32.shl
          (i32.and (i32.shr_u (i32.add (i32.and (local.get $high) (i32.const 0xfffff)) (i32.const 0x200)) (i32.const 10)) (i32.const 2047))
          (i32.const 5))))
    (local.set $k (i32.sub (i32.shr_u (local.get $high) (i32.const 20)) (i32.const 1023)))
    (local.set $kf (f64.convert_i32_s (local.get $k)))
    ;; r = (x * SCALE[(1023 - k) & 2047] - g) * (1/g)
    (local.set $r
      (f64.mul
        (f64.sub
          (f64.mul (local.get $x)
            (f64.load (i32.add (global.get $SCALE) (i32.shl (i32.and (i32.sub (i32.const 1023) (local.get $k)) (i32.const 2047)) (i32.const 3)))))
          (f64.load (local.get $row)))
        (f64.load offset=8 (local.get $row))))
    (f64.add
      (f64.add (f64.mul (local.get $kf) (f64.load offset=96 (global.get $K))) (f64.load offset=16 (local.get $row)))
      (f64.add
        (f64.add
          (f64.add (f64.mul (local.get $kf) (f64.load offset=104 (global.get $K))) (f64.load offset=24 (local.get $row)))
          ;; p = r * r * (L2 + r * (L3 + r * (L4 + r * L5)))
          (f64.mul
            (f64.mul (local.get $r) (local.get $r))
            (f64.add (f64.load offset=64 (global.get $K))
              (f64.mul (local.get $r)
                (f64.add (f64.load offset=72 (global.get $K))
                  (f64.mul (local.get $r)
                    (f64.add (f64.load offset=80 (global.get $K)) (f64.mul (local.get $r) (f64.load offset=88 (global.get $K))))))))))
        (local.get $r))))

  ;; log x for both lanes: fastmath's `log`, x = 2^k m, g = 1 + j/1024 the nearest step to m,
  ;; r = (m - g) / g, log x = k ln2 + log g + log1p(r). A lane that is not a positive normal number
  ;; is Math.log of that lane, as in fastmath (`$log1`, a lane at a time, when either is such).
  (func $log2 (param $x v128) (result v128)
    (local $h0 i32) (local $h1 i32) (local $row0 i32) (local $row1 i32) (local $k0 i32) (local $k1 i32)
    (local $k v128) (local $m v128) (local $r v128) (local $p v128)
    (local.set $h0 (i32x4.extract_lane 1 (local.get $x)))
    (local.set $h1 (i32x4.extract_lane 3 (local.get $x)))
    ;; Zero, subnormals, negatives, infinities and nan: the exponent field is 0 or 2047, or the sign is set.
    (if (i32.or
          (i32.ge_u (i32.sub (local.get $h0) (i32.const 0x00100000)) (i32.const 0x7fe00000))
          (i32.ge_u (i32.sub (local.get $h1) (i32.const 0x00100000)) (i32.const 0x7fe00000)))
      (then
        (return
          (f64x2.replace_lane 1
            (f64x2.splat (call $log1 (f64x2.extract_lane 0 (local.get $x))))
            (call $log1 (f64x2.extract_lane 1 (local.get $x)))))))
    ;; row = ((((high & 0xfffff) + 0x200) >>> 10) & 2047) * 32 bytes; k = (high >>> 20) - 1023
    (local.set $row0
      (i32.add (global.get $LOG)
        (i32.shl
          (i32.and (i32.shr_u (i32.add (i32.and (local.get $h0) (i32.const 0xfffff)) (i32.const 0x200)) (i32.const 10)) (i32.const 2047))
          (i32.const 5))))
    (local.set $row1
      (i32.add (global.get $LOG)
        (i32.shl
          (i32.and (i32.shr_u (i32.add (i32.and (local.get $h1) (i32.const 0xfffff)) (i32.const 0x200)) (i32.const 10)) (i32.const 2047))
          (i32.const 5))))
    (local.set $k0 (i32.sub (i32.shr_u (local.get $h0) (i32.const 20)) (i32.const 1023)))
    (local.set $k1 (i32.sub (i32.shr_u (local.get $h1) (i32.const 20)) (i32.const 1023)))
    (local.set $k
      (f64x2.replace_lane 1 (f64x2.splat (f64.convert_i32_s (local.get $k0))) (f64.convert_i32_s (local.get $k1))))
    ;; m = x * SCALE[(1023 - k) & 2047]
    (local.set $m
      (f64x2.mul (local.get $x)
        (f64x2.replace_lane 1
          (v128.load64_zero
            (i32.add (global.get $SCALE) (i32.shl (i32.and (i32.sub (i32.const 1023) (local.get $k0)) (i32.const 2047)) (i32.const 3))))
          (f64.load
            (i32.add (global.get $SCALE) (i32.shl (i32.and (i32.sub (i32.const 1023) (local.get $k1)) (i32.const 2047)) (i32.const 3)))))))
    ;; r = (m - g) * (1/g)
    (local.set $r
      (f64x2.mul
        (f64x2.sub (local.get $m)
          (f64x2.replace_lane 1 (v128.load64_zero (local.get $row0)) (f64.load (local.get $row1))))
        (f64x2.replace_lane 1 (v128.load64_zero offset=8 (local.get $row0)) (f64.load offset=8 (local.get $row1)))))
    ;; p = r * r * (L2 + r * (L3 + r * (L4 + r * L5)))
    (local.set $p
      (f64x2.mul
        (f64x2.mul (local.get $r) (local.get $r))
        (f64x2.add (v128.load64_splat offset=64 (global.get $K))
          (f64x2.mul (local.get $r)
            (f64x2.add (v128.load64_splat offset=72 (global.get $K))
              (f64x2.mul (local.get $r)
                (f64x2.add (v128.load64_splat offset=80 (global.get $K))
                  (f64x2.mul (local.get $r) (v128.load64_splat offset=88 (global.get $K))))))))))
    ;; k * LN2_HI + high + (k * LN2_LO + low + p + r)
    (f64x2.add
      (f64x2.add
        (f64x2.mul (local.get $k) (v128.load64_splat offset=96 (global.get $K)))
        (f64x2.replace_lane 1 (v128.load64_zero offset=16 (local.get $row0)) (f64.load offset=16 (local.get $row1))))
      (f64x2.add
        (f64x2.add
          (f64x2.add
            (f64x2.mul (local.get $k) (v128.load64_splat offset=104 (global.get $K)))
            (f64x2.replace_lane 1 (v128.load64_zero offset=24 (local.get $row0)) (f64.load offset=24 (local.get $row1))))
          (local.get $p))
        (local.get $r))))

  ;; Both lanes' sum.
  (func $lanes (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; huber_loss: the sum of q * (z - 0.5 q), z = |x - y|, q = z < delta ? z : delta, over n elements;
  ;; each term also written to `kept` when it is not 0. f64x2.pmin(delta, z) is z < delta ? z : delta,
  ;; with delta for a nan z, as huber_loss.ts's pick.
  (func (export "huber") (param $x i32) (param $y i32) (param $kept i32) (param $n i32) (param $delta f64) (result f64)
    (local $end i32) (local $d v128) (local $z0 v128) (local $z1 v128) (local $q0 v128) (local $q1 v128)
    (local $v0 v128) (local $v1 v128) (local $a0 v128) (local $a1 v128) (local $z f64) (local $q f64) (local $v f64) (local $tail f64)
    (local.set $d (f64x2.splat (local.get $delta)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $z0 (f64x2.abs (f64x2.sub (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $z1 (f64x2.abs (f64x2.sub (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y)))))
        (local.set $q0 (f64x2.pmin (local.get $d) (local.get $z0)))
        (local.set $q1 (f64x2.pmin (local.get $d) (local.get $z1)))
        (local.set $v0 (f64x2.mul (local.get $q0) (f64x2.sub (local.get $z0) (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $q0)))))
        (local.set $v1 (f64x2.mul (local.get $q1) (f64x2.sub (local.get $z1) (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $q1)))))
        (if (local.get $kept)
          (then
            (v128.store (local.get $kept) (local.get $v0))
            (v128.store offset=16 (local.get $kept) (local.get $v1))
            (local.set $kept (i32.add (local.get $kept) (i32.const 32)))))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $v0)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $v1)))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $z (f64.abs (f64.sub (f64.load (local.get $x)) (f64.load (local.get $y)))))
        (local.set $q (select (local.get $z) (local.get $delta) (f64.lt (local.get $z) (local.get $delta))))
        (local.set $v (f64.mul (local.get $q) (f64.sub (local.get $z) (f64.mul (f64.const 0.5) (local.get $q)))))
        (if (local.get $kept)
          (then
            (f64.store (local.get $kept) (local.get $v))
            (local.set $kept (i32.add (local.get $kept) (i32.const 8)))))
        (local.set $tail (f64.add (local.get $tail) (local.get $v)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $next)))
    (f64.add (call $lanes (f64x2.add (local.get $a0) (local.get $a1))) (local.get $tail)))

  ;; mse_loss: the sum of (x - y)^2 over n elements, each term also written to `kept` when it is
  ;; not 0; mse_loss.ts's mseBlock, term for term. l1 and smoothL1 below are the same loop.
  (func (export "mse") (param $x i32) (param $y i32) (param $kept i32) (param $n i32) (result f64)
    (local $end i32) (local $d0 v128) (local $d1 v128) (local $v0 v128) (local $v1 v128) (local $a0 v128) (local $a1 v128)
    (local $ds f64) (local $v f64) (local $tail f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $d0 (f64x2.sub (v128.load (local.get $x)) (v128.load (local.get $y))))
        (local.set $d1 (f64x2.sub (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y))))
        (local.set $v0 (f64x2.mul (local.get $d0) (local.get $d0)))
        (local.set $v1 (f64x2.mul (local.get $d1) (local.get $d1)))
        (if (local.get $kept)
          (then
            (v128.store (local.get $kept) (local.get $v0))
            (v128.store offset=16 (local.get $kept) (local.get $v1))
            (local.set $kept (i32.add (local.get $kept) (i32.const 32)))))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $v0)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $v1)))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $ds (f64.sub (f64.load (local.get $x)) (f64.load (local.get $y))))
        (local.set $v (f64.mul (local.get $ds) (local.get $ds)))
        (if (local.get $kept)
          (then
            (f64.store (local.get $kept) (local.get $v))
            (local.set $kept (i32.add (local.get $kept) (i32.const 8)))))
        (local.set $tail (f64.add (local.get $tail) (local.get $v)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $next)))
    (f64.add (call $lanes (f64x2.add (local.get $a0) (local.get $a1))) (local.get $tail)))

  ;; l1_loss: |x - y|.
  (func (export "l1") (param $x i32) (param $y i32) (param $kept i32) (param $n i32) (result f64)
    (local $end i32) (local $d0 v128) (local $d1 v128) (local $v0 v128) (local $v1 v128) (local $a0 v128) (local $a1 v128)
    (local $ds f64) (local $v f64) (local $tail f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $d0 (f64x2.sub (v128.load (local.get $x)) (v128.load (local.get $y))))
        (local.set $d1 (f64x2.sub (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y))))
        (local.set $v0 (f64x2.abs (local.get $d0)))
        (local.set $v1 (f64x2.abs (local.get $d1)))
        (if (local.get $kept)
          (then
            (v128.store (local.get $kept) (local.get $v0))
            (v128.store offset=16 (local.get $kept) (local.get $v1))
            (local.set $kept (i32.add (local.get $kept) (i32.const 32)))))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $v0)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $v1)))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $ds (f64.sub (f64.load (local.get $x)) (f64.load (local.get $y))))
        (local.set $v (f64.abs (local.get $ds)))
        (if (local.get $kept)
          (then
            (f64.store (local.get $kept) (local.get $v))
            (local.set $kept (i32.add (local.get $kept) (i32.const 8)))))
        (local.set $tail (f64.add (local.get $tail) (local.get $v)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $next)))
    (f64.add (call $lanes (f64x2.add (local.get $a0) (local.get $a1))) (local.get $tail)))

  ;; smooth_l1_loss: z = |x - y|, z < beta ? (0.5 z) z / beta : z - beta/2 (both sides computed,
  ;; one kept: the comparison is false for a nan z, as smooth_l1_loss.ts's pick).
  (func (export "smoothL1") (param $x i32) (param $y i32) (param $kept i32) (param $n i32) (param $beta f64) (result f64)
    (local $end i32) (local $d0 v128) (local $d1 v128) (local $v0 v128) (local $v1 v128) (local $a0 v128) (local $a1 v128)
    (local $ds f64) (local $v f64) (local $tail f64) (local $b v128) (local $hb v128)
    (local.set $b (f64x2.splat (local.get $beta)))
    (local.set $hb (f64x2.splat (f64.mul (f64.const 0.5) (local.get $beta))))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $d0 (f64x2.sub (v128.load (local.get $x)) (v128.load (local.get $y))))
        (local.set $d1 (f64x2.sub (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y))))
        (local.set $d0 (f64x2.abs (local.get $d0)))
        (local.set $v0
          (v128.bitselect
            (f64x2.div (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $d0)) (local.get $d0)) (local.get $b))
            (f64x2.sub (local.get $d0) (local.get $hb))
            (f64x2.lt (local.get $d0) (local.get $b))))
        (local.set $d1 (f64x2.abs (local.get $d1)))
        (local.set $v1
          (v128.bitselect
            (f64x2.div (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $d1)) (local.get $d1)) (local.get $b))
            (f64x2.sub (local.get $d1) (local.get $hb))
            (f64x2.lt (local.get $d1) (local.get $b))))
        (if (local.get $kept)
          (then
            (v128.store (local.get $kept) (local.get $v0))
            (v128.store offset=16 (local.get $kept) (local.get $v1))
            (local.set $kept (i32.add (local.get $kept) (i32.const 32)))))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $v0)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $v1)))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $ds (f64.sub (f64.load (local.get $x)) (f64.load (local.get $y))))
        (local.set $ds (f64.abs (local.get $ds)))
        (local.set $v
          (select
            (f64.div (f64.mul (f64.mul (f64.const 0.5) (local.get $ds)) (local.get $ds)) (local.get $beta))
            (f64.sub (local.get $ds) (f64.mul (f64.const 0.5) (local.get $beta)))
            (f64.lt (local.get $ds) (local.get $beta))))
        (if (local.get $kept)
          (then
            (f64.store (local.get $kept) (local.get $v))
            (local.set $kept (i32.add (local.get $kept) (i32.const 8)))))
        (local.set $tail (f64.add (local.get $tail) (local.get $v)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $next)))
    (f64.add (call $lanes (f64x2.add (local.get $a0) (local.get $a1))) (local.get $tail)))

  ;; kl_div (probabilities, not log_target): the sum of (y == 0 ? 0 : y log y) - y x over n
  ;; elements, in two lanes of alternate elements (the last odd one in the first), added in the
  ;; order of the elements: kl_div.ts's probabilitySum, exactly. A zero y is given log 1 (then
  ;; dropped), so that zeros do not send a pair to Math.log.
  (func (export "kl") (param $x i32) (param $y i32) (param $n i32) (result f64)
    (local $end i32) (local $a v128) (local $yv v128) (local $zero v128) (local $ys f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $yv (v128.load (local.get $y)))
        (local.set $zero (f64x2.eq (local.get $yv) (f64x2.splat (f64.const 0))))
        (local.set $a
          (f64x2.add (local.get $a)
            (f64x2.sub
              (v128.andnot
                (f64x2.mul (local.get $yv) (call $log2 (v128.bitselect (f64x2.splat (f64.const 1)) (local.get $yv) (local.get $zero))))
                (local.get $zero))
              (f64x2.mul (local.get $yv) (v128.load (local.get $x))))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $ys (f64.load (local.get $y)))
        (local.set $a
          (f64x2.replace_lane 0 (local.get $a)
            (f64.add (f64x2.extract_lane 0 (local.get $a))
              (f64.sub
                (select
                  (f64.const 0)
                  (f64.mul (local.get $ys) (f64x2.extract_lane 0 (call $log2 (f64x2.splat (local.get $ys)))))
                  (f64.eq (local.get $ys) (f64.const 0)))
                (f64.mul (local.get $ys) (f64.load (local.get $x)))))))))
    (call $lanes (local.get $a)))

  ;; log(1 + e^z) for both lanes: fastmath's softplus. With a = |z| below 12 in both,
  ;; (z + a)/2 + log1pExpNeg(a), the latter the Taylor polynomial of degree 5 around j/128 from
  ;; the table; otherwise the import, a lane at a time.
  (func $softplus2 (param $z v128) (result v128)
    (local $a v128) (local $s v128) (local $d v128) (local $j0 i32) (local $j1 i32) (local $r0 i32) (local $r1 i32)
    (local.set $a (f64x2.abs (local.get $z)))
    (if (i32.eqz (i64x2.all_true (f64x2.lt (local.get $a) (f64x2.splat (f64.const 12)))))
      (then
        (return
          (f64x2.replace_lane 1
            (f64x2.splat (call $softplus_js (f64x2.extract_lane 0 (local.get $z))))
            (call $softplus_js (f64x2.extract_lane 1 (local.get $z)))))))
    ;; j = (128 a + 0.5) | 0, d = 128 a - j, row = (j & 2047) * 48 bytes
    (local.set $s (f64x2.mul (local.get $a) (f64x2.splat (f64.const 128))))
    (local.set $j0 (i32.trunc_f64_s (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64.const 0.5))))
    (local.set $j1 (i32.trunc_f64_s (f64.add (f64x2.extract_lane 1 (local.get $s)) (f64.const 0.5))))
    (local.set $d
      (f64x2.sub (local.get $s)
        (f64x2.replace_lane 1 (f64x2.splat (f64.convert_i32_s (local.get $j0))) (f64.convert_i32_s (local.get $j1)))))
    (local.set $r0 (i32.add (global.get $SOFTPLUS) (i32.mul (i32.and (local.get $j0) (i32.const 2047)) (i32.const 48))))
    (local.set $r1 (i32.add (global.get $SOFTPLUS) (i32.mul (i32.and (local.get $j1) (i32.const 2047)) (i32.const 48))))
    ;; 0.5 (z + a) + (c0 + d (c1 + d (c2 + d (c3 + d (c4 + d c5)))))
    (f64x2.add
      (f64x2.mul (f64x2.splat (f64.const 0.5)) (f64x2.add (local.get $z) (local.get $a)))
      (f64x2.add (f64x2.replace_lane 1 (v128.load64_zero (local.get $r0)) (f64.load (local.get $r1)))
        (f64x2.mul (local.get $d)
          (f64x2.add (f64x2.replace_lane 1 (v128.load64_zero offset=8 (local.get $r0)) (f64.load offset=8 (local.get $r1)))
            (f64x2.mul (local.get $d)
              (f64x2.add (f64x2.replace_lane 1 (v128.load64_zero offset=16 (local.get $r0)) (f64.load offset=16 (local.get $r1)))
                (f64x2.mul (local.get $d)
                  (f64x2.add (f64x2.replace_lane 1 (v128.load64_zero offset=24 (local.get $r0)) (f64.load offset=24 (local.get $r1)))
                    (f64x2.mul (local.get $d)
                      (f64x2.add (f64x2.replace_lane 1 (v128.load64_zero offset=32 (local.get $r0)) (f64.load offset=32 (local.get $r1)))
                        (f64x2.mul (local.get $d)
                          (f64x2.replace_lane 1 (v128.load64_zero offset=40 (local.get $r0)) (f64.load offset=40 (local.get $r1)))))))))))))))

  ;; soft_margin_loss: the sum of log(1 + e^(-x y)) over n elements, in two lanes of alternate
  ;; elements (the last odd one in the first), added in the order of the elements:
  ;; soft_margin_loss.ts's termsSum, exactly.
  (func (export "softMargin") (param $x i32) (param $y i32) (param $n i32) (result f64)
    (local $end i32) (local $a v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $a
          (f64x2.add (local.get $a) (call $softplus2 (f64x2.mul (f64x2.neg (v128.load (local.get $x))) (v128.load (local.get $y))))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $a
          (f64x2.replace_lane 0 (local.get $a)
            (f64.add (f64x2.extract_lane 0 (local.get $a))
              (f64x2.extract_lane 0
                (call $softplus2 (f64x2.splat (f64.mul (f64.neg (f64.load (local.get $x))) (f64.load (local.get $y)))))))))))
    (call $lanes (local.get $a)))

  ;; cross_entropy's rows: for each of `rows` rows of `classes` logits, a reference m and the sum
  ;; of e^(x - m), written to out[2r] and out[2r + 1], for log softmax(x)_y = log sum - (x_y - m).
  ;; m is the row's first logit, which saves a pass over the row for its max: any m gives the same
  ;; value, and one within 16.6 of the max (a sum below 2^24) adds at most a few ulp of 16 to the
  ;; row's loss. Otherwise (a larger sum, or an infinite or nan one: logits far apart, an infinite
  ;; or nan logit) the row is summed again from its max, as cross_entropy.ts's pickedLoss does: that
  ;; sum is at most the number of classes, or nan as PyTorch's is. Rows like that tend to come
  ;; together: after eight of them in a call, every row is summed from its max at once.
  (func (export "rowsLogSumExp") (param $x i32) (param $rows i32) (param $classes i32) (param $out i32)
    (local $end i32) (local $i i32) (local $m f64) (local $sum f64) (local $v v128) (local $w v128) (local $quads i32) (local $misses i32)
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $end (i32.add (local.get $x) (i32.shl (local.get $classes) (i32.const 3))))
        (local.set $m (f64.load (local.get $x)))
        ;; A nan sum stands for "not tried": after 8 rows that needed the max, every row gets it.
        (local.set $sum (f64.const nan))
        (if (i32.lt_u (local.get $misses) (i32.const 8))
          (then (local.set $sum (call $rowExpSum (local.get $x) (local.get $end) (local.get $m)))))
        (if (i32.eqz (f64.lt (local.get $sum) (f64.const 0x1p24)))
          (then
            (local.set $misses (i32.add (local.get $misses) (i32.const 1)))
            ;; The max, four at a time (pmax passes over a nan, whose term is then nan).
            (local.set $quads (i32.add (local.get $x) (i32.shl (i32.shr_u (local.get $classes) (i32.const 2)) (i32.const 5))))
            (local.set $v (v128.load64_splat (local.get $x)))
            (local.set $w (local.get $v))
            (local.set $i (local.get $x))
            (block $max_done
              (loop $max_next
                (br_if $max_done (i32.ge_u (local.get $i) (local.get $quads)))
                (local.set $v (f64x2.pmax (local.get $v) (v128.load (local.get $i))))
                (local.set $w (f64x2.pmax (local.get $w) (v128.load offset=16 (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 32)))
                (br $max_next)))
            (block $rest_done
              (loop $rest_next
                (br_if $rest_done (i32.ge_u (local.get $i) (local.get $end)))
                (local.set $v (f64x2.pmax (local.get $v) (v128.load64_splat (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 8)))
                (br $rest_next)))
            (local.set $v (f64x2.pmax (local.get $v) (local.get $w)))
            (local.set $m (f64.max (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))
            (local.set $sum (call $rowExpSum (local.get $x) (local.get $end) (local.get $m)))))
        (f64.store (local.get $out) (local.get $m))
        (f64.store offset=8 (local.get $out) (local.get $sum))
        (local.set $x (local.get $end))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $next_row))))

  ;; The sum of e^(x - m) over [x, end): `$exp2` written out in the loop, four elements a step, its
  ;; constants in locals (as a call it took twice as long); the table index read from s + ROUND,
  ;; which holds round(s) in its low 32 bits. Pairs outside the table's range (logits more than 16
  ;; below the max: common in a trained model's) take the wide path written out too.
  (func $rowExpSum (param $x i32) (param $end i32) (param $m f64) (result f64)
    (local $quads i32) (local $i i32) (local $mv v128) (local $sum v128)
    (local $d0 v128) (local $d1 v128) (local $s0 v128) (local $s1 v128) (local $n0 v128) (local $n1 v128)
    (local $u0 v128) (local $u1 v128) (local $ix0 v128) (local $ix1 v128) (local $t0 v128) (local $t1 v128)
    (local $lo v128) (local $hi v128) (local $round v128) (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $e4 v128) (local $e5 v128)
    (local $wlo v128) (local $whi v128) (local $inv v128) (local $lnhi v128) (local $lnlo v128) (local $half v128)
    (local $c6 v128) (local $c24 v128) (local $c120 v128) (local $c720 v128)
    (local $in v128) (local $ws v128) (local $wn v128) (local $wr v128) (local $wt v128) (local $wv v128)
    (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32)
    (local.set $lo (v128.load64_splat offset=48 (global.get $K)))
    (local.set $hi (v128.load64_splat offset=56 (global.get $K)))
    (local.set $round (v128.load64_splat offset=40 (global.get $K)))
    (local.set $e1 (v128.load64_splat offset=0 (global.get $K)))
    (local.set $e2 (v128.load64_splat offset=8 (global.get $K)))
    (local.set $e3 (v128.load64_splat offset=16 (global.get $K)))
    (local.set $e4 (v128.load64_splat offset=24 (global.get $K)))
    (local.set $e5 (v128.load64_splat offset=32 (global.get $K)))
    (local.set $wlo (f64x2.splat (f64.const -708)))
    (local.set $whi (f64x2.splat (f64.const 708)))
    (local.set $inv (v128.load64_splat offset=112 (global.get $K)))
    (local.set $lnhi (v128.load64_splat offset=120 (global.get $K)))
    (local.set $lnlo (v128.load64_splat offset=128 (global.get $K)))
    (local.set $half (f64x2.splat (f64.const 0.5)))
    (local.set $c6 (v128.load64_splat offset=136 (global.get $K)))
    (local.set $c24 (v128.load64_splat offset=144 (global.get $K)))
    (local.set $c120 (v128.load64_splat offset=152 (global.get $K)))
    (local.set $c720 (v128.load64_splat offset=160 (global.get $K)))
    (local.set $mv (f64x2.splat (local.get $m)))
    (local.set $quads (i32.add (local.get $x) (i32.and (i32.sub (local.get $end) (local.get $x)) (i32.const -32))))
    (local.set $i (local.get $x))
    (block $sum_done
      (loop $sum_next
        (br_if $sum_done (i32.ge_u (local.get $i) (local.get $quads)))
        (local.set $d0 (f64x2.sub (v128.load (local.get $i)) (local.get $mv)))
        (local.set $d1 (f64x2.sub (v128.load offset=16 (local.get $i)) (local.get $mv)))
        (if (i64x2.all_true
              (v128.and
                (v128.and (f64x2.gt (local.get $d0) (local.get $lo)) (f64x2.lt (local.get $d0) (local.get $hi)))
                (v128.and (f64x2.gt (local.get $d1) (local.get $lo)) (f64x2.lt (local.get $d1) (local.get $hi)))))
          (then
                (local.set $s0 (f64x2.mul (local.get $d0) (f64x2.splat (f64.const 128))))
                (local.set $ix0 (f64x2.add (local.get $s0) (local.get $round)))
                (local.set $n0 (f64x2.sub (local.get $ix0) (local.get $round)))
                (local.set $u0 (f64x2.sub (local.get $s0) (local.get $n0)))
                (local.set $ix0
                  (i32x4.shl
                    (v128.and (i32x4.add (local.get $ix0) (i32x4.splat (i32.const 2048))) (i32x4.splat (i32.const 4095)))
                    (i32.const 3)))
                (local.set $t0
                  (f64x2.replace_lane 1
                    (v128.load64_zero (i32x4.extract_lane 0 (local.get $ix0)))
                    (f64.load (i32x4.extract_lane 2 (local.get $ix0)))))
                (local.set $sum
                  (f64x2.add (local.get $sum)
                    (f64x2.add (local.get $t0)
                      (f64x2.mul (local.get $t0)
                        (f64x2.mul (local.get $u0)
                          (f64x2.add (local.get $e1)
                            (f64x2.mul (local.get $u0)
                              (f64x2.add (local.get $e2)
                                (f64x2.mul (local.get $u0)
                                  (f64x2.add (local.get $e3)
                                    (f64x2.mul (local.get $u0)
                                      (f64x2.add (local.get $e4) (f64x2.mul (local.get $u0) (local.get $e5))))))))))))))
                (local.set $s1 (f64x2.mul (local.get $d1) (f64x2.splat (f64.const 128))))
                (local.set $ix1 (f64x2.add (local.get $s1) (local.get $round)))
                (local.set $n1 (f64x2.sub (local.get $ix1) (local.get $round)))
                (local.set $u1 (f64x2.sub (local.get $s1) (local.get $n1)))
                (local.set $ix1
                  (i32x4.shl
                    (v128.and (i32x4.add (local.get $ix1) (i32x4.splat (i32.const 2048))) (i32x4.splat (i32.const 4095)))
                    (i32.const 3)))
                (local.set $t1
                  (f64x2.replace_lane 1
                    (v128.load64_zero (i32x4.extract_lane 0 (local.get $ix1)))
                    (f64.load (i32x4.extract_lane 2 (local.get $ix1)))))
                (local.set $sum
                  (f64x2.add (local.get $sum)
                    (f64x2.add (local.get $t1)
                      (f64x2.mul (local.get $t1)
                        (f64x2.mul (local.get $u1)
                          (f64x2.add (local.get $e1)
                            (f64x2.mul (local.get $u1)
                              (f64x2.add (local.get $e2)
                                (f64x2.mul (local.get $u1)
                                  (f64x2.add (local.get $e3)
                                    (f64x2.mul (local.get $u1)
                                      (f64x2.add (local.get $e4) (f64x2.mul (local.get $u1) (local.get $e5)))))))))))))))
          (else
            (if (i64x2.all_true (v128.and (f64x2.gt (local.get $d0) (local.get $wlo)) (f64x2.lt (local.get $d0) (local.get $whi))))
              (then
                ;; Both in (-708, 708): the wide path written out, each lane in the table's range then taking the table's.
                (local.set $in (v128.and (f64x2.gt (local.get $d0) (local.get $lo)) (f64x2.lt (local.get $d0) (local.get $hi))))
                (local.set $ws (f64x2.add (f64x2.mul (local.get $d0) (local.get $inv)) (local.get $round)))
                (local.set $wn (f64x2.sub (local.get $ws) (local.get $round)))
                (local.set $wr (f64x2.sub (f64x2.sub (local.get $d0) (f64x2.mul (local.get $wn) (local.get $lnhi))) (f64x2.mul (local.get $wn) (local.get $lnlo))))
                (local.set $i0 (i32x4.extract_lane 0 (local.get $ws)))
                (local.set $i1 (i32x4.extract_lane 2 (local.get $ws)))
                (local.set $j0 (i32.and (local.get $i0) (i32.const 63)))
                (local.set $j1 (i32.and (local.get $i1) (i32.const 63)))
                (local.set $wt
                  (f64x2.replace_lane 1
                    (v128.load64_zero (i32.add (global.get $POW2J) (i32.shl (local.get $j0) (i32.const 3))))
                    (f64.load (i32.add (global.get $POW2J) (i32.shl (local.get $j1) (i32.const 3))))))
                (local.set $wv
                  (f64x2.mul
                    (f64x2.add (local.get $wt)
                      (f64x2.mul (local.get $wt)
                        (f64x2.add (local.get $wr)
                          (f64x2.mul (f64x2.mul (local.get $wr) (local.get $wr))
                            (f64x2.add (local.get $half)
                              (f64x2.mul (local.get $wr)
                                (f64x2.add (local.get $c6)
                                  (f64x2.mul (local.get $wr)
                                    (f64x2.add (local.get $c24)
                                      (f64x2.mul (local.get $wr)
                                        (f64x2.add (local.get $c120) (f64x2.mul (local.get $wr) (local.get $c720)))))))))))))
                    (i64x2.replace_lane 1
                      (i64x2.splat
                        (i64.shl (i64.extend_i32_s (i32.add (i32.shr_s (i32.sub (local.get $i0) (local.get $j0)) (i32.const 6)) (i32.const 1023))) (i64.const 52)))
                      (i64.shl (i64.extend_i32_s (i32.add (i32.shr_s (i32.sub (local.get $i1) (local.get $j1)) (i32.const 6)) (i32.const 1023))) (i64.const 52)))))
                (if (v128.any_true (local.get $in))
                  (then (local.set $wv (v128.bitselect (call $expTable2 (local.get $d0)) (local.get $wv) (local.get $in)))))
                (local.set $sum (f64x2.add (local.get $sum) (local.get $wv))))
              (else (local.set $sum (f64x2.add (local.get $sum) (call $exp2 (local.get $d0))))))
            (if (i64x2.all_true (v128.and (f64x2.gt (local.get $d1) (local.get $wlo)) (f64x2.lt (local.get $d1) (local.get $whi))))
              (then
                ;; Both in (-708, 708): the wide path written out, each lane in the table's range then taking the table's.
                (local.set $in (v128.and (f64x2.gt (local.get $d1) (local.get $lo)) (f64x2.lt (local.get $d1) (local.get $hi))))
                (local.set $ws (f64x2.add (f64x2.mul (local.get $d1) (local.get $inv)) (local.get $round)))
                (local.set $wn (f64x2.sub (local.get $ws) (local.get $round)))
                (local.set $wr (f64x2.sub (f64x2.sub (local.get $d1) (f64x2.mul (local.get $wn) (local.get $lnhi))) (f64x2.mul (local.get $wn) (local.get $lnlo))))
                (local.set $i0 (i32x4.extract_lane 0 (local.get $ws)))
                (local.set $i1 (i32x4.extract_lane 2 (local.get $ws)))
                (local.set $j0 (i32.and (local.get $i0) (i32.const 63)))
                (local.set $j1 (i32.and (local.get $i1) (i32.const 63)))
                (local.set $wt
                  (f64x2.replace_lane 1
                    (v128.load64_zero (i32.add (global.get $POW2J) (i32.shl (local.get $j0) (i32.const 3))))
                    (f64.load (i32.add (global.get $POW2J) (i32.shl (local.get $j1) (i32.const 3))))))
                (local.set $wv
                  (f64x2.mul
                    (f64x2.add (local.get $wt)
                      (f64x2.mul (local.get $wt)
                        (f64x2.add (local.get $wr)
                          (f64x2.mul (f64x2.mul (local.get $wr) (local.get $wr))
                            (f64x2.add (local.get $half)
                              (f64x2.mul (local.get $wr)
                                (f64x2.add (local.get $c6)
                                  (f64x2.mul (local.get $wr)
                                    (f64x2.add (local.get $c24)
                                      (f64x2.mul (local.get $wr)
                                        (f64x2.add (local.get $c120) (f64x2.mul (local.get $wr) (local.get $c720)))))))))))))
                    (i64x2.replace_lane 1
                      (i64x2.splat
                        (i64.shl (i64.extend_i32_s (i32.add (i32.shr_s (i32.sub (local.get $i0) (local.get $j0)) (i32.const 6)) (i32.const 1023))) (i64.const 52)))
                      (i64.shl (i64.extend_i32_s (i32.add (i32.shr_s (i32.sub (local.get $i1) (local.get $j1)) (i32.const 6)) (i32.const 1023))) (i64.const 52)))))
                (if (v128.any_true (local.get $in))
                  (then (local.set $wv (v128.bitselect (call $expTable2 (local.get $d1)) (local.get $wv) (local.get $in)))))
                (local.set $sum (f64x2.add (local.get $sum) (local.get $wv))))
              (else (local.set $sum (f64x2.add (local.get $sum) (call $exp2 (local.get $d1))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $sum_next)))
    ;; The last one to three: one at a time, into the first lane.
    (block $rest_done
      (loop $rest_next
        (br_if $rest_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $sum
          (f64x2.add (local.get $sum)
            (f64x2.replace_lane 1 (call $exp2 (f64x2.sub (v128.load64_splat (local.get $i)) (local.get $mv))) (f64.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $rest_next)))
    (call $lanes (local.get $sum)))

  ;; nll_loss's gather: the sum of -x[n, label_n] over the rows of `labels` (doubles), plainly, in
  ;; two running sums (even and odd rows); the caller joins the sums of its blocks with Neumaier's
  ;; compensation, as `Terms` does for the elementwise losses. Two labels are checked at once (not
  ;; `ignore`, in [0, classes)); a pair that fails is taken one row at a time. state[0] gets the
  ;; sum and state[1] the rows not ignored. Returns -1, or the first row whose label is neither
  ;; `ignore` nor a class.
  (func (export "gather") (param $x i32) (param $labels i32) (param $rows i32) (param $classes i32) (param $ignore f64) (param $state i32) (result i32)
    (local $n i32) (local $pairs i32) (local $label f64) (local $limit f64) (local $stride i32) (local $counted i32)
    (local $pair v128) (local $lanes v128) (local $ignored v128) (local $upper v128) (local $sum0 f64) (local $sum1 f64) (local $k i32)
    (local.set $limit (f64.convert_i32_s (local.get $classes)))
    (local.set $ignored (f64x2.splat (local.get $ignore)))
    (local.set $upper (f64x2.splat (local.get $limit)))
    (local.set $stride (i32.shl (local.get $classes) (i32.const 3)))
    (local.set $pairs (i32.and (local.get $rows) (i32.const -2)))
    (block $done
      (loop $next_pair
        (br_if $done (i32.ge_u (local.get $n) (local.get $pairs)))
        (local.set $pair (v128.load (local.get $labels)))
        (if (i64x2.all_true
              (v128.and
                (f64x2.ne (local.get $pair) (local.get $ignored))
                (v128.and (f64x2.ge (local.get $pair) (f64x2.splat (f64.const 0))) (f64x2.lt (local.get $pair) (local.get $upper)))))
          (then
            (local.set $lanes (i32x4.trunc_sat_f64x2_s_zero (local.get $pair)))
            (local.set $sum0
              (f64.sub (local.get $sum0)
                (f64.load (i32.add (local.get $x) (i32.shl (i32x4.extract_lane 0 (local.get $lanes)) (i32.const 3))))))
            (local.set $sum1
              (f64.sub (local.get $sum1)
                (f64.load (i32.add (i32.add (local.get $x) (local.get $stride)) (i32.shl (i32x4.extract_lane 1 (local.get $lanes)) (i32.const 3))))))
            (local.set $counted (i32.add (local.get $counted) (i32.const 2))))
          (else
            (local.set $k (i32.const 0))
            (loop $each
              (local.set $label (f64.load (i32.add (local.get $labels) (i32.shl (local.get $k) (i32.const 3)))))
              (if (f64.ne (local.get $label) (local.get $ignore))
                (then
                  (if (i32.eqz (i32.and (f64.ge (local.get $label) (f64.const 0)) (f64.lt (local.get $label) (local.get $limit))))
                    (then (return (i32.add (local.get $n) (local.get $k)))))
                  (local.set $sum0
                    (f64.sub (local.get $sum0)
                      (f64.load
                        (i32.add
                          (i32.add (local.get $x) (i32.mul (local.get $k) (local.get $stride)))
                          (i32.shl (i32.trunc_f64_s (local.get $label)) (i32.const 3))))))
                  (local.set $counted (i32.add (local.get $counted) (i32.const 1)))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $each (i32.lt_u (local.get $k) (i32.const 2))))))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $stride) (i32.const 1))))
        (local.set $labels (i32.add (local.get $labels) (i32.const 16)))
        (local.set $n (i32.add (local.get $n) (i32.const 2)))
        (br $next_pair)))
    (if (i32.lt_u (local.get $n) (local.get $rows))
      (then
        (local.set $label (f64.load (local.get $labels)))
        (if (f64.ne (local.get $label) (local.get $ignore))
          (then
            (if (i32.eqz (i32.and (f64.ge (local.get $label) (f64.const 0)) (f64.lt (local.get $label) (local.get $limit))))
              (then (return (local.get $n))))
            (local.set $sum0
              (f64.sub (local.get $sum0) (f64.load (i32.add (local.get $x) (i32.shl (i32.trunc_f64_s (local.get $label)) (i32.const 3))))))
            (local.set $counted (i32.add (local.get $counted) (i32.const 1)))))))
    (f64.store (local.get $state) (f64.add (local.get $sum0) (local.get $sum1)))
    (f64.store offset=8 (local.get $state) (f64.convert_i32_s (local.get $counted)))
    (i32.const -1))

  ;; poisson_nll_loss (log_input, not full): the sum of e^x - y x over n elements, in two lanes of
  ;; alternate elements (the last odd one in the first), added in the order of the elements:
  ;; poisson_nll_loss.ts's logRateSum, term for term and sum for sum. `$exp2` is written out for
  ;; four elements a step, as in rowsLogSumExp.
  (func (export "poisson") (param $x i32) (param $y i32) (param $n i32) (result f64)
    (local $end i32) (local $a v128) (local $x0 v128) (local $x1 v128) (local $xs f64)
    (local $s0 v128) (local $s1 v128) (local $n0 v128) (local $n1 v128) (local $u0 v128) (local $u1 v128)
    (local $ix0 v128) (local $ix1 v128) (local $t0 v128) (local $t1 v128) (local $e0 v128) (local $e1v v128)
    (local $lo v128) (local $hi v128) (local $round v128) (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $e4 v128) (local $e5 v128)
    (local.set $lo (v128.load64_splat offset=48 (global.get $K)))
    (local.set $hi (v128.load64_splat offset=56 (global.get $K)))
    (local.set $round (v128.load64_splat offset=40 (global.get $K)))
    (local.set $e1 (v128.load64_splat offset=0 (global.get $K)))
    (local.set $e2 (v128.load64_splat offset=8 (global.get $K)))
    (local.set $e3 (v128.load64_splat offset=16 (global.get $K)))
    (local.set $e4 (v128.load64_splat offset=24 (global.get $K)))
    (local.set $e5 (v128.load64_splat offset=32 (global.get $K)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $x0 (v128.load (local.get $x)))
        (local.set $x1 (v128.load offset=16 (local.get $x)))
        (if (i64x2.all_true
              (v128.and
                (v128.and (f64x2.gt (local.get $x0) (local.get $lo)) (f64x2.lt (local.get $x0) (local.get $hi)))
                (v128.and (f64x2.gt (local.get $x1) (local.get $lo)) (f64x2.lt (local.get $x1) (local.get $hi)))))
          (then
                (local.set $s0 (f64x2.mul (local.get $x0) (f64x2.splat (f64.const 128))))
                (local.set $ix0 (f64x2.add (local.get $s0) (local.get $round)))
                (local.set $n0 (f64x2.sub (local.get $ix0) (local.get $round)))
                (local.set $u0 (f64x2.sub (local.get $s0) (local.get $n0)))
                (local.set $ix0
                  (i32x4.shl
                    (v128.and (i32x4.add (local.get $ix0) (i32x4.splat (i32.const 2048))) (i32x4.splat (i32.const 4095)))
                    (i32.const 3)))
                (local.set $t0
                  (f64x2.replace_lane 1
                    (v128.load64_zero (i32x4.extract_lane 0 (local.get $ix0)))
                    (f64.load (i32x4.extract_lane 2 (local.get $ix0)))))
                (local.set $e0
                  (f64x2.add (local.get $t0)
                    (f64x2.mul (local.get $t0)
                      (f64x2.mul (local.get $u0)
                        (f64x2.add (local.get $e1)
                          (f64x2.mul (local.get $u0)
                            (f64x2.add (local.get $e2)
                              (f64x2.mul (local.get $u0)
                                (f64x2.add (local.get $e3)
                                  (f64x2.mul (local.get $u0)
                                    (f64x2.add (local.get $e4) (f64x2.mul (local.get $u0) (local.get $e5)))))))))))))
                (local.set $s1 (f64x2.mul (local.get $x1) (f64x2.splat (f64.const 128))))
                (local.set $ix1 (f64x2.add (local.get $s1) (local.get $round)))
                (local.set $n1 (f64x2.sub (local.get $ix1) (local.get $round)))
                (local.set $u1 (f64x2.sub (local.get $s1) (local.get $n1)))
                (local.set $ix1
                  (i32x4.shl
                    (v128.and (i32x4.add (local.get $ix1) (i32x4.splat (i32.const 2048))) (i32x4.splat (i32.const 4095)))
                    (i32.const 3)))
                (local.set $t1
                  (f64x2.replace_lane 1
                    (v128.load64_zero (i32x4.extract_lane 0 (local.get $ix1)))
                    (f64.load (i32x4.extract_lane 2 (local.get $ix1)))))
                (local.set $e1v
                  (f64x2.add (local.get $t1)
                    (f64x2.mul (local.get $t1)
                      (f64x2.mul (local.get $u1)
                        (f64x2.add (local.get $e1)
                          (f64x2.mul (local.get $u1)
                            (f64x2.add (local.get $e2)
                              (f64x2.mul (local.get $u1)
                                (f64x2.add (local.get $e3)
                                  (f64x2.mul (local.get $u1)
                                    (f64x2.add (local.get $e4) (f64x2.mul (local.get $u1) (local.get $e5))))))))))))))
          (else
            (local.set $e0 (call $exp2 (local.get $x0)))
            (local.set $e1v (call $exp2 (local.get $x1)))))
        (local.set $a (f64x2.add (local.get $a) (f64x2.sub (local.get $e0) (f64x2.mul (v128.load (local.get $y)) (local.get $x0)))))
        (local.set $a (f64x2.add (local.get $a) (f64x2.sub (local.get $e1v) (f64x2.mul (v128.load offset=16 (local.get $y)) (local.get $x1)))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $next)))
    (if (i32.and (local.get $n) (i32.const 2))
      (then
        (local.set $x0 (v128.load (local.get $x)))
        (local.set $a (f64x2.add (local.get $a) (f64x2.sub (call $exp2 (local.get $x0)) (f64x2.mul (v128.load (local.get $y)) (local.get $x0)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $xs (f64.load (local.get $x)))
        (local.set $a
          (f64x2.replace_lane 0 (local.get $a)
            (f64.add (f64x2.extract_lane 0 (local.get $a))
              (f64.sub (call $exp1 (local.get $xs)) (f64.mul (f64.load (local.get $y)) (local.get $xs))))))))
    (call $lanes (local.get $a)))

  ;; binary_cross_entropy, unweighted: each term as binary_cross_entropy.ts's unweightedLoss makes
  ;; it, summed into state[0] in two lanes (alternate elements) with TwoSum's error in state[1]
  ;; (lanes as well: state is 4 doubles, the sums then the errors). Returns -1, or the index of the
  ;; first input outside [0, 1] (the block's sums are not stored then).
  (func (export "bce") (param $x i32) (param $y i32) (param $n i32) (param $state i32) (result i32)
    (local $i i32) (local $p v128) (local $t v128) (local $q v128) (local $e v128) (local $eq v128) (local $one v128) (local $floor v128)
    (local $loss v128) (local $total v128) (local $compensation v128) (local $next v128) (local $back v128) (local $binary v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $floor (f64x2.splat (f64.const -100)))
    (local.set $total (v128.load (local.get $state)))
    (local.set $compensation (v128.load offset=16 (local.get $state)))
    (block $done
      (loop $next_pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then
            ;; The last odd element: a pair with p = t = 0 beside it, whose term is exactly -0.
            (local.set $p (v128.load64_zero (local.get $x)))
            (local.set $t (v128.load64_zero (local.get $y))))
          (else
            (local.set $p (v128.load (local.get $x)))
            (local.set $t (v128.load (local.get $y)))))
        ;; !(p >= 0 && p <= 1) for either lane: the caller reports it.
        (if (i32.eqz (i64x2.all_true (v128.and (f64x2.ge (local.get $p) (f64x2.splat (f64.const 0))) (f64x2.le (local.get $p) (local.get $one)))))
          (then
            (if (i32.eqz (i32.and
                  (f64.ge (f64x2.extract_lane 0 (local.get $p)) (f64.const 0))
                  (f64.le (f64x2.extract_lane 0 (local.get $p)) (f64.const 1))))
              (then (return (local.get $i))))
            (return (i32.add (local.get $i) (i32.const 1)))))
        ;; q = 1 - p, e = 1 - q - p, e / (q + 5e-324)
        (local.set $q (f64x2.sub (local.get $one) (local.get $p)))
        (local.set $e (f64x2.sub (f64x2.sub (local.get $one) (local.get $q)) (local.get $p)))
        (local.set $eq (f64x2.div (local.get $e) (f64x2.add (local.get $q) (f64x2.splat (f64.const 0x0.0000000000001p-1022)))))
        ;; t (t - 1) == 0 in both lanes: -max(log(t p + (1 - t) q) + (1 - t) e/q, -100)
        (local.set $binary (f64x2.eq (f64x2.mul (local.get $t) (f64x2.sub (local.get $t) (local.get $one))) (f64x2.splat (f64.const 0))))
        (if (i64x2.all_true (local.get $binary))
          (then
            (local.set $loss
              (f64x2.neg
                (f64x2.pmax (local.get $floor)
                  (f64x2.add
                    (call $log2
                      (f64x2.add (f64x2.mul (local.get $t) (local.get $p)) (f64x2.mul (f64x2.sub (local.get $one) (local.get $t)) (local.get $q))))
                    (f64x2.mul (f64x2.sub (local.get $one) (local.get $t)) (local.get $eq)))))))
          (else
            ;; (t - 1) max(log q + e/q, -100) - t max(log p, -100), Math.max's nan kept; a lane of
            ;; a binary target gets its own formula back.
            (local.set $loss
              (v128.bitselect
                (f64x2.neg
                  (f64x2.max (local.get $floor)
                    (f64x2.add
                      (call $log2
                        (f64x2.add (f64x2.mul (local.get $t) (local.get $p)) (f64x2.mul (f64x2.sub (local.get $one) (local.get $t)) (local.get $q))))
                      (f64x2.mul (f64x2.sub (local.get $one) (local.get $t)) (local.get $eq)))))
                (f64x2.sub
                  (f64x2.mul (f64x2.sub (local.get $t) (local.get $one))
                    (f64x2.max (f64x2.add (call $log2 (local.get $q)) (local.get $eq)) (local.get $floor)))
                  (f64x2.mul (local.get $t) (f64x2.max (call $log2 (local.get $p)) (local.get $floor))))
                (local.get $binary)))))
        (local.set $next (f64x2.add (local.get $total) (local.get $loss)))
        (local.set $back (f64x2.sub (local.get $next) (local.get $total)))
        (local.set $compensation
          (f64x2.add (local.get $compensation)
            (f64x2.add
              (f64x2.sub (local.get $total) (f64x2.sub (local.get $next) (local.get $back)))
              (f64x2.sub (local.get $loss) (local.get $back)))))
        (local.set $total (local.get $next))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $next_pair)))
    (v128.store (local.get $state) (local.get $total))
    (v128.store offset=16 (local.get $state) (local.get $compensation))
    (i32.const -1))
)
