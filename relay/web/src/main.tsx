import { render } from 'preact';
import { App } from './App.js';
import { AppStore } from './store.js';

const store = new AppStore();
await store.boot();
render(<App store={store} />, document.getElementById('app')!);
