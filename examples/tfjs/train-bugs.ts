// TensorFlow.js models whose losses disagree with their outputs.
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' }); // expect: LL001

const classifier = tf.sequential();
classifier.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }));
classifier.add(tf.layers.dense({ units: 3 }));

const xs = tf.randomNormal([4, 8]);
const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 0], 'int32'), 3);
const logits = classifier.predict(xs) as tf.Tensor;
const probs = tf.softmax(logits);

export const doubleSoftmax = tf.losses.softmaxCrossEntropy(labels, probs); // expect: LL003
export const swapped = tf.losses.softmaxCrossEntropy(logits, labels); // expect: LL007 (labels come first in TF.js)
