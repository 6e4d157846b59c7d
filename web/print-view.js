// The toolbar of a printed form's page (api/forms/render.ts): its 打印 button opens the browser's
// print dialog. The page's own print stylesheet leaves the toolbar off the paper.
document.getElementById('print-now')?.addEventListener('click', () => window.print());
