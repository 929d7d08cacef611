import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';
import { keepAlertsInView } from './lib/alerts-in-view.js';

const target = document.getElementById('app')!;
mount(App, { target });
keepAlertsInView(target);
