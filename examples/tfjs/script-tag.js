// A page's script: index.html loads TensorFlow.js with
// <script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs"></script>, which defines the global `tf`.

async function trainClassifier(xs, labels) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 10 }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' }); // expect: LL005
  await model.fit(xs, labels, { epochs: 5 });
  return model;
}

async function trainDetector(xs, ys) {
  const detector = tf.sequential();
  detector.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }));
  detector.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  detector.compile({ optimizer: 'sgd', loss: tf.losses.sigmoidCrossEntropy }); // expect: LL002
  await detector.fit(xs, ys, { epochs: 5 });
  return detector;
}

document.getElementById('train').addEventListener('click', () => trainClassifier(window.xs, window.labels));
document.getElementById('detect').addEventListener('click', () => trainDetector(window.xs, window.ys));
