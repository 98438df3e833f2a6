import { createApp } from 'vue';
import { createPinia } from 'pinia';
import './styles.css';
import App from './App.vue';
import NoBackend from './NoBackend.vue';
import { chooseTransport } from './transport/choose-transport.ts';
import { provideTransport } from './transport/inject.ts';

const choice = chooseTransport(window);
if (choice.ok) {
  const app = createApp(App);
  provideTransport(app, choice.transport, choice.connection);
  app.use(createPinia()).mount('#app');
} else {
  createApp(NoBackend, { reason: choice.reason }).mount('#app');
}
