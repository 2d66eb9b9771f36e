/** Entry point of the dashboard bundle (built by scripts/build-dashboard.js into dist/dashboard/). */
import { render } from 'preact';
import { App } from './App';
import './styles.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
