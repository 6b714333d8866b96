<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>Batch</name>
    <message>
        <location filename="../../voxdesk/gui/classify/batch_controller.py" line="+15"/>
        <source>the folder</source>
        <translation>폴더</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>the files</source>
        <translation>파일</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the dataset&apos;s test split</source>
        <translation>데이터셋의 테스트 세트</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the training dataset&apos;s test split</source>
        <translation>학습 데이터셋의 테스트 세트</translation>
    </message>
    <message>
        <location line="+26"/>
        <location filename="../../voxdesk/gui/classify/controller.py" line="+127"/>
        <location line="+50"/>
        <source>Batch in progress</source>
        <translation>일괄 분류 진행 중</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>A batch is already running; cancel it first.</source>
        <translation>일괄 분류가 이미 실행 중입니다. 먼저 취소하십시오.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Classifying {what} with {model}…</source>
        <translation>{model} 모델로 {what} 분류 중…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cancelling after the current batch…</source>
        <translation>현재 배치가 끝나면 취소합니다…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>WARNING: {text}.</source>
        <translation>경고: {text}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{ok} classified, {failed} could not be read. </source>
        <translation>{ok}건 분류, {failed}건 읽기 실패. </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Least confident first; double-click a row to open it with its heat map.</source>
        <translation>신뢰도가 낮은 순서입니다. 행을 더블클릭하면 히트맵과 함께 엽니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Test cases seen in training</source>
        <translation>학습에 사용된 테스트 증례</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cancelled: {n} row(s) kept.</source>
        <translation>취소됨: {n}개 행을 유지합니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The batch stopped: {message}</source>
        <translation>일괄 분류가 중단되었습니다: {message}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Batch failed</source>
        <translation>일괄 분류 실패</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Cannot export the CSV</source>
        <translation>CSV를 내보낼 수 없습니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{n} rows exported to {path}</source>
        <translation>{n}개 행을 {path}(으)로 내보냈습니다</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{right} of {n} cases with a known class predicted correctly ({share}). </source>
        <translation>정답 클래스가 있는 {n}건 중 {right}건을 맞게 예측했습니다 ({share}). </translation>
    </message>
    <message>
        <location filename="../../voxdesk/gui/classify/batch_panel.py" line="+47"/>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Predicted class</source>
        <translation>예측 클래스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confidence</source>
        <translation>신뢰도</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Refer</source>
        <translation>판독 의뢰</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>True label</source>
        <translation>실제 레이블</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Warnings</source>
        <translation>경고</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Below the model&apos;s referral threshold: a human should read this case</source>
        <translation>모델의 판독 의뢰 기준 미만: 전문의가 이 증례를 판독해야 합니다</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>refer</source>
        <translation>판독 의뢰</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Double-click a row to open the case with its heat map</source>
        <translation>행을 더블클릭하면 증례를 히트맵과 함께 엽니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Folder…</source>
        <translation>폴더…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Files / Stack…</source>
        <translation>파일 / 스택…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dataset Test Split…</source>
        <translation>데이터셋 테스트 세트…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training Data (test split)</source>
        <translation>학습 데이터 (테스트 세트)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Load a model, then classify a folder, files, an HDF5 stack or a dataset&apos;s test split.</source>
        <translation>모델을 불러온 뒤 폴더, 파일, HDF5 스택 또는 데이터셋의 테스트 세트를 분류하십시오.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Classify a folder</source>
        <translation>폴더 분류</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Classify a dataset&apos;s test split</source>
        <translation>데이터셋의 테스트 세트 분류</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Classify volumes or a stack</source>
        <translation>영상 또는 스택 분류</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export CSV</source>
        <translation>CSV 내보내기</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stopped at %p%</source>
        <translation>%p%에서 중단됨</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../voxdesk/gui/classify/jobs.py" line="+58"/>
        <source>this row has nothing to open</source>
        <translation>이 행에는 열 수 있는 항목이 없습니다</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{ref} is not a 3D volume; the viewer cannot show it</source>
        <translation>{ref}은(는) 3D 영상이 아니어서 뷰어에 표시할 수 없습니다</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>no volume files found in {paths}</source>
        <translation>{paths}에서 영상 파일을 찾을 수 없습니다</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no training dataset is open</source>
        <translation>열려 있는 학습 데이터셋이 없습니다</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>finding the volumes…</source>
        <translation>영상을 찾는 중…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>starting the model…</source>
        <translation>모델을 시작하는 중…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>classified {n}/{total}</source>
        <translation>{n}/{total} 분류됨</translation>
    </message>
</context>
<context>
    <name>Card</name>
    <message>
        <location filename="../../voxdesk/gui/classify/card.py" line="+20"/>
        <source>every case is referred: on {n} validation scans no share of the cases shows {target} accuracy</source>
        <translation>모든 증례를 의뢰합니다: 검증 영상 {n}개에서 어떤 비율의 증례도 정확도 {target}에 이르지 못합니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>below confidence {t}</source>
        <translation>신뢰도 {t} 미만</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>; on {n} validation scans the {kept} kept were {acc} correct (target {target})</source>
        <translation>; 검증 영상 {n}개에서 유지된 {kept}의 정확도는 {acc}였습니다 (목표 {target})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, at least {lb} with {conf} confidence</source>
        <translation>, 신뢰 수준 {conf}에서 최소 {lb}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Intended use</source>
        <translation>사용 목적</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Limitations</source>
        <translation>한계</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Author</source>
        <translation>작성자</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Licence</source>
        <translation>라이선스</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>min-max to 0..1</source>
        <translation>min-max (0..1)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>z-score</source>
        <translation>z-score</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>percentiles {low}..{high} to 0..1</source>
        <translation>백분위수 {low}..{high}을(를) 0..1로</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>percentiles {low}..{high} to 0..1, brighter kept</source>
        <translation>백분위수 {low}..{high}을(를) 0..1로, 밝은 값 유지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CT window L {level} / W {width} HU</source>
        <translation>CT 창 준위 {level} / 너비 {width} HU</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>resampled to {mm} mm voxels (order {order}), cropped or padded to {size}, normalised {how}</source>
        <translation>{mm} mm 복셀로 재표본화(차수 {order}), {size}(으)로 자르기 또는 채우기, 정규화 {how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>resampled to {size} (order {order}), normalised {how}</source>
        <translation>{size}(으)로 재표본화 (차수 {order}), 정규화: {how}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Classes</source>
        <translation>클래스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Input</source>
        <translation>입력</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Preprocessing</source>
        <translation>전처리</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Training data</source>
        <translation>학습 데이터</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>accuracy {value}</source>
        <translation>정확도 {value}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> (95% CI {low}–{high})</source>
        <translation> (95% 신뢰구간 {low}–{high})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>balanced</source>
        <translation>균형 정확도</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>macro F1</source>
        <translation>매크로 F1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> on {n} test scans</source>
        <translation> (테스트 영상 {n}건)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>Test metrics</source>
        <translation>테스트 지표</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none recorded</source>
        <translation>기록 없음</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>temperature scaling, T = {t} (fitted on {n} validation scans)</source>
        <translation>온도 스케일링, T = {t} (검증 영상 {n}건으로 맞춤)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>; test ECE {before} before, {after} after</source>
        <translation>; 테스트 ECE 보정 전 {before}, 보정 후 {after}</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+2"/>
        <source>Calibration</source>
        <translation>보정</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not recalibrated; test ECE {ece}</source>
        <translation>재보정 안 함; 테스트 ECE {ece}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Referral</source>
        <translation>의뢰</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>not saved yet</source>
        <translation>아직 저장되지 않음</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>, {n} epochs (best {best})</source>
        <translation>, {n} 에포크 (최적 {best})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{p} mixed precision</source>
        <translation>{p} 혼합 정밀도</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Made</source>
        <translation>생성</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Left/right</source>
        <translation>좌우</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>matters: trained without left-right flips</source>
        <translation>중요함: 좌우 뒤집기 없이 학습</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>does not matter for the class</source>
        <translation>클래스와 무관</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>With</source>
        <translation>사용 환경</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <location filename="../../voxdesk/gui/classify/card_actions.py" line="+37"/>
        <location filename="../../voxdesk/gui/classify/panel.py" line="+170"/>
        <source>Model card</source>
        <translation>모델 카드</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>e.g. research on non-contrast abdominal CT; not for diagnosis</source>
        <translation>예: 비조영 복부 CT 연구용; 진단용 아님</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. trained on 390 synthetic phantoms; untested on real scans</source>
        <translation>예: 합성 팬텀 390건으로 학습; 실제 영상에서 검증되지 않음</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Export Report</source>
        <translation>보고서 내보내기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HTML page (*.html)</source>
        <translation>HTML 페이지 (*.html)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Report on which dataset&apos;s test split?</source>
        <translation>어느 데이터셋의 테스트 세트로 보고서를 만들까요?</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Cannot change the card</source>
        <translation>모델 카드를 변경할 수 없습니다</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Model card saved in {path}</source>
        <translation>모델 카드를 {path}에 저장했습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model card saved (with the model when you save it)</source>
        <translation>모델 카드를 저장했습니다 (모델을 저장할 때 함께 저장됩니다)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot save the card</source>
        <translation>모델 카드를 저장할 수 없습니다</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Evaluating the model for the report…</source>
        <translation>보고서를 위해 모델을 평가하는 중…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Report written to {path}</source>
        <translation>보고서를 {path}에 저장했습니다</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot write the report</source>
        <translation>보고서를 저장할 수 없습니다</translation>
    </message>
</context>
<context>
    <name>Chooser</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/chooser.py" line="+49"/>
        <source>Choose what to open</source>
        <translation>열 항목 선택</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;b&gt;{name}&lt;/b&gt; holds several things. Pick one to view:</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;에 여러 항목이 있습니다. 볼 항목을 고르십시오:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Shape</source>
        <translation>형태</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>자료형</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What</source>
        <translation>내용</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+89"/>
        <source>Sample</source>
        <translation>샘플</translation>
    </message>
    <message>
        <location line="-49"/>
        <source>4D image: {n} volumes</source>
        <translation>4D 영상: 볼륨 {n}개</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>not a volume</source>
        <translation>영상 아님</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Volume</source>
        <translation>볼륨</translation>
    </message>
</context>
<context>
    <name>Classify</name>
    <message>
        <location filename="../../voxdesk/gui/classify/batch_controller.py" line="-104"/>
        <location filename="../../voxdesk/gui/classify/card_actions.py" line="-79"/>
        <location line="+43"/>
        <location filename="../../voxdesk/gui/classify/controller.py" line="-63"/>
        <source>No model</source>
        <translation>모델 없음</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../../voxdesk/gui/classify/card_actions.py" line="-42"/>
        <location line="+43"/>
        <location filename="../../voxdesk/gui/classify/controller.py" line="+0"/>
        <source>Load a model bundle (or train one) first.</source>
        <translation>먼저 모델 번들을 불러오거나 모델을 학습하십시오.</translation>
    </message>
    <message>
        <location filename="../../voxdesk/gui/classify/controller.py" line="-21"/>
        <source>Busy: wait for the current job to finish.</source>
        <translation>작업 중: 현재 작업이 끝날 때까지 기다리십시오.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>No volume</source>
        <translation>영상 없음</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a volume to classify first (File &gt; Open, or Open Sample).</source>
        <translation>먼저 분류할 영상을 여십시오 (파일 &gt; 열기 또는 샘플 열기).</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+50"/>
        <source>Cancel or wait for the batch before changing the model.</source>
        <translation>모델을 바꾸기 전에 일괄 분류를 취소하거나 끝날 때까지 기다리십시오.</translation>
    </message>
    <message>
        <location line="-48"/>
        <source>Loading the model (starting TensorFlow)…</source>
        <translation>모델을 불러오는 중 (TensorFlow 시작)…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot load the model</source>
        <translation>모델을 불러올 수 없습니다</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>the model just trained (not saved)</source>
        <translation>방금 학습한 모델 (저장 안 됨)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model {model} ready.</source>
        <translation>{model} 모델 준비 완료.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model changed: run the batch again.</source>
        <translation>모델이 바뀌었습니다: 일괄 분류를 다시 실행하십시오.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No trained model</source>
        <translation>학습된 모델 없음</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train a model in the Training panel first.</source>
        <translation>먼저 학습 패널에서 모델을 학습하십시오.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Classifying…</source>
        <translation>분류 중…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The volume changed meanwhile: classify it again.</source>
        <translation>그 사이 영상이 바뀌었습니다: 다시 분류하십시오.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Classified with {model}; {n} warning(s) about the input.</source>
        <translation>{model} 모델로 분류했습니다; 입력에 대한 경고 {n}건.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Classified with {model}.</source>
        <translation>{model} 모델로 분류했습니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot classify this volume</source>
        <translation>이 영상을 분류할 수 없습니다</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Computing the Grad-CAM heat map…</source>
        <translation>Grad-CAM 히트맵 계산 중…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The volume changed meanwhile: explain it again.</source>
        <translation>그 사이 영상이 바뀌었습니다: 다시 설명을 실행하십시오.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Heat map of {name} shown on every view.</source>
        <translation>{name}의 히트맵을 모든 뷰에 표시했습니다.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot explain this volume</source>
        <translation>이 영상의 히트맵을 만들 수 없습니다</translation>
    </message>
    <message>
        <location line="+25"/>
        <location line="+21"/>
        <source>Cannot open this case</source>
        <translation>이 증례를 열 수 없습니다</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>this row has no prediction</source>
        <translation>이 행에는 예측이 없습니다</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Opening {name}…</source>
        <translation>{name} 여는 중…</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Classify</source>
        <translation>분류</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Batch</source>
        <translation>일괄 분류</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+5"/>
        <source>&amp;Classify</source>
        <translation>분류(&amp;C)</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>&amp;Load Model…</source>
        <translation>모델 불러오기(&amp;L)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use &amp;Trained Model</source>
        <translation>학습한 모델 사용(&amp;T)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Explain</source>
        <translation>설명(&amp;E)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Batch Classify…</source>
        <translation>일괄 분류(&amp;B)…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Edit Model &amp;Card…</source>
        <translation>모델 카드 편집(&amp;C)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export &amp;Report…</source>
        <translation>보고서 내보내기(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../voxdesk/gui/classify/panel.py" line="-120"/>
        <source>Predicted class</source>
        <translation>예측 클래스</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>No model loaded.&lt;br&gt;Load a &lt;i&gt;.voxmodel&lt;/i&gt; bundle or train one.</source>
        <translation>불러온 모델이 없습니다.&lt;br&gt;&lt;i&gt;.voxmodel&lt;/i&gt; 번들을 불러오거나 모델을 학습하십시오.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Load Model…</source>
        <translation>모델 불러오기…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use Trained Model</source>
        <translation>학습한 모델 사용</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use the model the Training panel just trained</source>
        <translation>학습 패널에서 방금 학습한 모델을 사용합니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Classify Volume</source>
        <translation>영상 분류</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The class whose heat map Explain draws</source>
        <translation>설명 버튼이 히트맵을 그릴 클래스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Explain</source>
        <translation>설명</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overlay the Grad-CAM heat map of the chosen class</source>
        <translation>선택한 클래스의 Grad-CAM 히트맵을 겹쳐 표시합니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>single pass</source>
        <translation>단일 추론</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>± test-time augmentation</source>
        <translation>± 테스트 시 증강</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>± MC dropout</source>
        <translation>± MC 드롭아웃</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Per-case uncertainty for Classify and the batch: the spread of the predicted class&apos;s probability across test-time augmentation views (about 7-15x the time) or Monte-Carlo dropout passes (about 1.5x). The class, confidence and referral are the single pass&apos;s.</source>
        <translation>분류와 일괄 분류의 증례별 불확실성: 테스트 시 증강 영상(시간 약 7-15배) 또는 몬테카를로 드롭아웃 반복(약 1.5배)에서 예측 클래스 확률이 흩어지는 정도입니다. 클래스, 신뢰도, 판독 의뢰는 단일 추론의 결과입니다.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Heat map overlay (Grad-CAM)</source>
        <translation>히트맵 오버레이 (Grad-CAM)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Jump to Hottest Voxel</source>
        <translation>최고값 복셀로 이동</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opacity</source>
        <translation>불투명도</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Colormap</source>
        <translation>컬러맵</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Edit Card…</source>
        <translation>카드 편집…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Intended use, limitations, author and licence, stored in the bundle</source>
        <translation>사용 목적, 한계, 작성자, 라이선스 (번들에 저장)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export Report…</source>
        <translation>보고서 내보내기…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A one-page HTML report of this model on a dataset&apos;s test split</source>
        <translation>데이터셋의 테스트 세트에 대한 이 모델의 한 쪽짜리 HTML 보고서</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Load Model</source>
        <translation>모델 불러오기</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>No model loaded.</source>
        <translation>불러온 모델이 없습니다.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Refer to a human: the confidence is below the model&apos;s referral threshold</source>
        <translation>전문의 판독 의뢰: 신뢰도가 모델의 판독 의뢰 기준보다 낮습니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{value} confidence</source>
        <translation>신뢰도 {value}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Check the input:</source>
        <translation>입력을 확인하십시오:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Heat map of &lt;b&gt;{name}&lt;/b&gt; (p = {p}) from layer {layer}; hottest voxel in the body {voxel}.</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;의 히트맵 (p = {p}), 층 {layer}; 신체 내 최고값 복셀 {voxel}.</translation>
    </message>
    <message>
        <location filename="../../voxdesk/gui/classify/batch_panel.py" line="-223"/>
        <source>± {spread}: how much this probability varies across the passes of {method} (standard deviation); a large spread says the model is unsure of this case</source>
        <translation>± {spread}: {method} 반복에서 이 확률이 변하는 정도(표준편차)입니다. 값이 크면 모델이 이 증례에 확신이 없다는 뜻입니다</translation>
    </message>
</context>
<context>
    <name>Crossval</name>
    <message>
        <location filename="../../voxdesk/gui/training/crossval_gui.py" line="+59"/>
        <source>Cross-validate</source>
        <translation>교차 검증</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refit on all data afterwards</source>
        <translation>마친 후 전체 데이터로 다시 학습</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After the folds, train once more on every cross-validated sample: that model becomes the trained model, to inspect, use and save as after Train.</source>
        <translation>모든 폴드가 끝나면 교차 검증한 모든 표본으로 한 번 더 학습합니다. 그 모델은 학습 후와 같이 살펴보고, 사용하고, 저장할 수 있는 학습된 모델이 됩니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Folds (K):</source>
        <translation>폴드 수 (K):</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Save Folds CSV…</source>
        <translation>폴드 CSV 저장…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save the folds</source>
        <translation>폴드 저장</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No dataset</source>
        <translation>데이터셋 없음</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a labelled dataset first (File &gt; Open Dataset).</source>
        <translation>먼저 레이블이 있는 데이터셋을 여십시오 (파일 &gt; 데이터셋 열기).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>refitting a model on all data</source>
        <translation>전체 데이터로 모델 다시 학습</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cross-validating: {k} folds of the Training dock&apos;s settings…</source>
        <translation>교차 검증 중: 학습 도크 설정으로 {k}개 폴드…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> then a refit on all data</source>
        <translation> 이후 전체 데이터로 다시 학습</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Stopping after the current batch; finished folds are kept…</source>
        <translation>현재 배치 후 중단합니다. 끝난 폴드는 유지됩니다…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Stopped: only the finished folds are summarised.</source>
        <translation>중단됨: 끝난 폴드만 요약합니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cross-validation done: {n} of {k} folds.</source>
        <translation>교차 검증 완료: {k}개 폴드 중 {n}개.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the model refitted on all data is ready (not saved yet).</source>
        <translation>전체 데이터로 다시 학습한 모델이 준비되었습니다(아직 저장되지 않음).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cross-validation</source>
        <translation>교차 검증</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cross-validation failed.</source>
        <translation>교차 검증에 실패했습니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cross-validation failed</source>
        <translation>교차 검증 실패</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Cannot save the folds</source>
        <translation>폴드를 저장할 수 없습니다</translation>
    </message>
</context>
<context>
    <name>Curves</name>
    <message>
        <location filename="../../voxdesk/gui/training/curves.py" line="+60"/>
        <source>Wheel: scroll the panel · Ctrl+wheel: zoom · drag: pan · Reset view: all of it</source>
        <translation>휠: 패널 스크롤 · Ctrl+휠: 확대/축소 · 드래그: 이동 · 보기 초기화: 전체 보기</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>epoch</source>
        <translation>에포크</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>best ({epoch})</source>
        <translation>최적 ({epoch})</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>loss (cross-entropy)</source>
        <translation>손실 (교차 엔트로피)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>accuracy</source>
        <translation>정확도</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>training</source>
        <translation>학습</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>validation</source>
        <translation>검증</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training per batch (smoothed)</source>
        <translation>배치별 학습 (평활화)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>best epoch (the model keeps its weights)</source>
        <translation>최적 에포크 (모델이 이 가중치를 유지)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Reset view</source>
        <translation>보기 초기화</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the whole curves again (after Ctrl+wheel zoom or dragging)</source>
        <translation>곡선 전체를 다시 표시합니다 (Ctrl+휠 확대나 드래그 후)</translation>
    </message>
    <message>
        <location line="+116"/>
        <source> (epoch {n})</source>
        <translation> (에포크 {n})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Overfitting?&lt;/b&gt; Validation loss has risen for {n} epochs while training loss kept falling. Try: augmentation on, a model with dropout (voxnet-bn), fewer epochs, or &lt;b&gt;Stop&lt;/b&gt; now: the best model so far{best} is kept.</source>
        <translation>&lt;b&gt;과적합?&lt;/b&gt; 학습 손실은 계속 줄었지만 검증 손실이 {n} 에포크 동안 늘었습니다. 증강 켜기, 드롭아웃이 있는 모델(voxnet-bn), 더 적은 에포크를 시도하거나 지금 &lt;b&gt;중지&lt;/b&gt;하십시오: 지금까지의 최적 모델{best}은 유지됩니다.</translation>
    </message>
</context>
<context>
    <name>DatasetPanel</name>
    <message>
        <location filename="../../voxdesk/gui/training/controller.py" line="+361"/>
        <location filename="../../voxdesk/gui/training/dataset_panel.py" line="+129"/>
        <source>A dataset file: HDF5, NPZ/NPY arrays or a CSV manifest</source>
        <translation>데이터셋 파일: HDF5, NPZ/NPY 배열 또는 CSV 목록</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../voxdesk/gui/training/dataset_panel.py" line="+4"/>
        <source>A folder with one subfolder per class (scans or DICOM series inside)</source>
        <translation>클래스마다 하위 폴더가 하나씩 있는 폴더 (안에 영상 또는 DICOM 시리즈)</translation>
    </message>
    <message>
        <location filename="../../voxdesk/gui/training/dataset_panel.py" line="-6"/>
        <source>Open File…</source>
        <translation>파일 열기…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open Folder…</source>
        <translation>폴더 열기…</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+73"/>
        <source>No dataset open.&lt;br&gt;Open one, or drop a file or folder here.</source>
        <translation>열린 데이터셋이 없습니다.&lt;br&gt;데이터셋을 열거나 파일 또는 폴더를 여기에 끌어다 놓으십시오.</translation>
    </message>
    <message>
        <location line="-42"/>
        <source>Samples:</source>
        <translation>샘플:</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Open Dataset</source>
        <translation>데이터셋 열기</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open a dataset folder (one subfolder per class)</source>
        <translation>데이터셋 폴더 열기 (클래스마다 하위 폴더 하나)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Opening &lt;b&gt;{name}&lt;/b&gt;…</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; 여는 중…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>varies (resampled for training)</source>
        <translation>제각각 (학습 시 재표본화)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{classes} classes · {samples} samples · sample shape {shape}</source>
        <translation>클래스 {classes}개 · 샘플 {samples}개 · 샘플 형태 {shape}</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>all splits</source>
        <translation>모든 세트</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Reading {what}…</source>
        <translation>{what} 읽는 중…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Showing &lt;b&gt;{where}&lt;/b&gt; ({split}) · label &lt;b&gt;{label}&lt;/b&gt; · shape {shape}</source>
        <translation>&lt;b&gt;{where}&lt;/b&gt; ({split}) 표시 중 · 레이블 &lt;b&gt;{label}&lt;/b&gt; · 형태 {shape}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot show {where}: {message}</source>
        <translation>{where}을(를) 표시할 수 없습니다: {message}</translation>
    </message>
</context>
<context>
    <name>Display</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/toolbar.py" line="+24"/>
        <source>auto (1-99%)</source>
        <translation>자동 (1-99%)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>full range</source>
        <translation>전체 범위</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CT brain</source>
        <translation>CT 뇌</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CT soft tissue</source>
        <translation>CT 연부조직</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CT lung</source>
        <translation>CT 폐</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CT bone</source>
        <translation>CT 뼈</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>file&apos;s window</source>
        <translation>파일의 창 설정</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>custom</source>
        <translation>사용자 지정</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>grey</source>
        <translation>회색조</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Display</source>
        <translation>표시</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Window</source>
        <translation>창</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Window/level preset, remembered for the next scan of the same kind (CT, MR, other); or right-drag in a view: horizontal = width, vertical = level</source>
        <translation>창 너비/준위 프리셋. 같은 종류(CT, MR, 기타)의 다음 영상에도 적용됩니다. 뷰에서 오른쪽 드래그로도 조절: 가로 = 너비, 세로 = 준위</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> W </source>
        <translation> 너비 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window width (data units; HU for CT)</source>
        <translation>창 너비 (데이터 단위, CT는 HU)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> L </source>
        <translation> 준위 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window level, the centre of the window</source>
        <translation>창 준위 (창의 중심값)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Colormap</source>
        <translation>컬러맵</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Layout</source>
        <translation>배치</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{tip}; type a number and press Enter, or use the arrows</source>
        <translation>{tip}. 숫자를 입력하고 Enter를 누르거나 화살표를 사용하십시오</translation>
    </message>
</context>
<context>
    <name>Docks</name>
    <message>
        <location filename="../../voxdesk/gui/infra/docks.py" line="+82"/>
        <source>Reset &amp;Layout</source>
        <translation>패널 배치 초기화(&amp;L)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Put every panel back where it started and show the views 2 x 2</source>
        <translation>모든 패널을 처음 위치로 되돌리고 뷰를 2 x 2로 표시합니다</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../voxdesk/gui/infra/errors.py" line="+22"/>
        <source>out of memory: try a smaller batch size or input size, or close other programs</source>
        <translation>메모리 부족: 배치 크기나 입력 크기를 줄이거나 다른 프로그램을 닫으십시오</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cannot read or write the file: {reason}</source>
        <translation>파일을 읽거나 쓸 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unexpected error ({error})</source>
        <translation>예기치 않은 오류 ({error})</translation>
    </message>
</context>
<context>
    <name>FileMenu</name>
    <message>
        <location filename="../../voxdesk/gui/file_menu.py" line="+20"/>
        <source>CT phantom with a liver &amp;tumour</source>
        <translation>간 종양이 있는 CT 팬텀(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CT phantom with a liver &amp;cyst</source>
        <translation>간 낭종이 있는 CT 팬텀(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CT phantom, &amp;normal liver</source>
        <translation>정상 간 CT 팬텀(&amp;N)</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Clear List</source>
        <translation>목록 지우기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(no recent files)</source>
        <translation>(최근 파일 없음)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Brain MRI (MNI152 T1 template)</source>
        <translation>뇌 MRI (MNI152 T1 템플릿)(&amp;B)</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Mouse and keys</source>
        <translation>마우스와 키</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Left click/drag: move the cursor (all views follow)
Wheel, Up/Down, Left/Right: step slices; Page Up/Down: 10 slices
Ctrl+wheel: zoom; middle drag or Shift+left drag: pan; Home: reset the view
Right drag: window (horizontal) and level (vertical)
3D view: left drag orbits, wheel zooms, middle drag pans</source>
        <translation>왼쪽 클릭/드래그: 커서 이동 (모든 뷰가 따라감)
휠, 위/아래, 왼쪽/오른쪽: 슬라이스 이동; Page Up/Down: 10 슬라이스
Ctrl+휠: 확대/축소; 가운데 드래그 또는 Shift+왼쪽 드래그: 이동; Home: 보기 초기화
오른쪽 드래그: 창 너비(가로)와 준위(세로)
3D 뷰: 왼쪽 드래그 회전, 휠 확대/축소, 가운데 드래그 이동</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>About VoxDesk</source>
        <translation>VoxDesk 정보</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>View, train on and classify 3D scans, offline.</source>
        <translation>3D 영상을 오프라인에서 보고, 학습하고, 분류합니다.</translation>
    </message>
</context>
<context>
    <name>Info</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/info.py" line="+11"/>
        <source>Dataset</source>
        <translation>데이터셋</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sample index</source>
        <translation>샘플 번호</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>N samples</source>
        <translation>샘플 수</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Volume index</source>
        <translation>볼륨 번호</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>N volumes</source>
        <translation>볼륨 수</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No volume open.</source>
        <translation>열린 영상이 없습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> (assumed: the file stores no orientation)</source>
        <translation> (가정: 파일에 방향 정보 없음)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>(unnamed)</source>
        <translation>(이름 없음)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>출처</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shape</source>
        <translation>형태</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>자료형</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spacing</source>
        <translation>간격</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Orientation</source>
        <translation>방향</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Range</source>
        <translation>값 범위</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Warnings</source>
        <translation>경고</translation>
    </message>
</context>
<context>
    <name>LabelPanel</name>
    <message>
        <location filename="../../voxdesk/gui/labelling/panel.py" line="+35"/>
        <source>? unsure</source>
        <translation>? 불확실</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>skipped</source>
        <translation>건너뜀</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+146"/>
        <source>No labelling session. File &gt; New Dataset from Folder…</source>
        <translation>레이블링 세션이 없습니다. 파일 &gt; 폴더에서 새 데이터셋…</translation>
    </message>
    <message>
        <location line="-139"/>
        <source>#</source>
        <translation>번호</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Case</source>
        <translation>증례</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label</source>
        <translation>레이블</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next</source>
        <translation>다음 순위</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model&apos;s guess</source>
        <translation>모델의 추정</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Unsure (U)</source>
        <translation>불확실 (U)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark this case unsure: it is not trained on (keys U or 0)</source>
        <translation>이 증례를 불확실로 표시합니다: 학습에 쓰지 않습니다 (U 또는 0 키)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Skip (S)</source>
        <translation>건너뛰기 (S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leave this case for later (key S)</source>
        <translation>이 증례를 나중으로 미룹니다 (S 키)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undo (Ctrl+Z)</source>
        <translation>실행 취소 (Ctrl+Z)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Patient or group (typed, never read from the file)</source>
        <translation>환자 또는 그룹 (직접 입력, 파일에서 읽지 않음)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Notes</source>
        <translation>메모</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Patient:</source>
        <translation>환자:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Notes:</source>
        <translation>메모:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Train on labelled</source>
        <translation>레이블된 증례로 학습</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Train a model on the cases labelled so far (the Training dock&apos;s settings)</source>
        <translation>지금까지 레이블된 증례로 모델을 학습합니다 (학습 도크의 설정)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Label the most informative next</source>
        <translation>가장 유익한 증례부터 레이블링</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rank the unlabelled cases by the model&apos;s uncertainty and go to the top one; the model&apos;s guess is shown, never filled in as the label</source>
        <translation>레이블되지 않은 증례를 모델의 불확실성 순으로 정렬하고 첫 번째로 이동합니다. 모델의 추정은 보여 줄 뿐 레이블로 채우지 않습니다</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Label this case &apos;{0}&apos; and go to the next (key {1})</source>
        <translation>이 증례를 &apos;{0}&apos;(으)로 레이블하고 다음으로 이동 ({1} 키)</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>{0} of {1} labelled · {2} unsure · {3} skipped — saved to {4}</source>
        <translation>{1}건 중 {0}건 레이블됨 · 불확실 {2} · 건너뜀 {3} — {4}에 저장됨</translation>
    </message>
</context>
<context>
    <name>Labelling</name>
    <message>
        <location filename="../../voxdesk/gui/labelling/controller.py" line="+35"/>
        <source>New dataset from a folder of scans</source>
        <translation>영상 폴더에서 새 데이터셋</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Classes</source>
        <translation>클래스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The classes to label with, separated by commas (at most 9; keys 1..9):</source>
        <translation>레이블에 쓸 클래스를 쉼표로 구분해 입력하세요 (최대 9개, 1..9 키):</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Looking for scans in {0}…</source>
        <translation>{0}에서 영상을 찾는 중…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{0} cases; labels are saved to {1} after each one</source>
        <translation>증례 {0}건, 레이블은 매번 {1}에 저장됩니다</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot start labelling</source>
        <translation>레이블링을 시작할 수 없음</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Could not open the case</source>
        <translation>증례를 열 수 없음</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Could not save the label</source>
        <translation>레이블을 저장할 수 없음</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Not enough labels</source>
        <translation>레이블이 부족함</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label cases of at least two classes first.</source>
        <translation>먼저 두 개 이상의 클래스로 증례를 레이블하세요.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Training in progress</source>
        <translation>학습 진행 중</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wait for the training in progress to end.</source>
        <translation>진행 중인 학습이 끝날 때까지 기다리세요.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Training on {0} labelled cases…</source>
        <translation>레이블된 증례 {0}건으로 학습 중…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>A model is ready: “Label the most informative next” ranks the cases not labelled yet.</source>
        <translation>모델이 준비되었습니다: “가장 유익한 증례부터 레이블링”이 아직 레이블되지 않은 증례의 순위를 매깁니다.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>No model yet</source>
        <translation>아직 모델 없음</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train on the labelled cases first (or load a model in the Classify dock).</source>
        <translation>먼저 레이블된 증례로 학습하세요 (또는 분류 도크에서 모델을 불러오세요).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Ranking {0} cases…</source>
        <translation>증례 {0}건의 순위를 매기는 중…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>; {0} could not be read</source>
        <translation>; {0}건은 읽을 수 없음</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ranked {0} cases, most uncertain first{1}.</source>
        <translation>증례 {0}건을 가장 불확실한 것부터 정렬했습니다{1}.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Could not rank the cases</source>
        <translation>증례의 순위를 매길 수 없음</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Label</source>
        <translation>레이블</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;New Dataset from Folder…</source>
        <translation>폴더에서 새 데이터셋(&amp;N)…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Label a folder of unlabelled scans; the labels are saved to labels.csv in it</source>
        <translation>레이블되지 않은 영상 폴더를 레이블합니다. 레이블은 그 폴더의 labels.csv에 저장됩니다</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Label with class {0}</source>
        <translation>클래스 {0}(으)로 레이블</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Unsure</source>
        <translation>불확실(&amp;U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unsure</source>
        <translation>불확실</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Skip</source>
        <translation>건너뛰기(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo Label</source>
        <translation>레이블 실행 취소(&amp;U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Label</source>
        <translation>레이블(&amp;L)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Train on Labelled</source>
        <translation>레이블된 증례로 학습(&amp;T)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Label the &amp;Most Informative Next</source>
        <translation>가장 유익한 증례부터 레이블링(&amp;M)</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../voxdesk/gui/infra/i18n.py" line="+41"/>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>VoxDesk will show the new language the next time it starts.</source>
        <translation>VoxDesk를 다음에 시작할 때 새 언어로 표시합니다.</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Lan&amp;guage</source>
        <translation>언어(&amp;G)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>System ({language})</source>
        <translation>시스템 ({language})</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../voxdesk/gui/main_window.py" line="+81"/>
        <source>Volume</source>
        <translation>영상</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Levels</source>
        <translation>창 범위</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>&amp;Open...</source>
        <translation>열기(&amp;O)...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open &amp;DICOM Folder...</source>
        <translation>DICOM 폴더 열기(&amp;D)...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A folder of DICOM files (one series, or several: VoxDesk asks which)</source>
        <translation>DICOM 파일 폴더 (시리즈가 여러 개면 VoxDesk가 어느 것을 열지 묻습니다)</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+20"/>
        <source>Open &amp;Sample</source>
        <translation>샘플 열기(&amp;S)</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Open a built-in CT phantom with a liver tumour</source>
        <translation>간 종양이 있는 내장 CT 팬텀을 엽니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Reset Views</source>
        <translation>뷰 초기화(&amp;R)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Radiological Convention (patient right on screen left)</source>
        <translation>영상의학 표시 방식(&amp;R) (환자의 오른쪽이 화면 왼쪽)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open &amp;Recent</source>
        <translation>최근 파일 열기(&amp;R)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Layout</source>
        <translation>배치(&amp;L)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Panels</source>
        <translation>패널(&amp;P)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Mouse and Keys</source>
        <translation>마우스와 키(&amp;M)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About VoxDesk</source>
        <translation>VoxDesk 정보(&amp;A)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Open a volume</source>
        <translation>영상 열기</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open a DICOM folder</source>
        <translation>DICOM 폴더 열기</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Preparing the sample volume...</source>
        <translation>샘플 영상을 준비하는 중...</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Could not prepare the sample</source>
        <translation>샘플을 준비할 수 없습니다</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opening {name}...</source>
        <translation>{name} 여는 중...</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Could not open {name}</source>
        <translation>{name}을(를) 열 수 없습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not open the file</source>
        <translation>파일을 열 수 없습니다</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Opened {name}</source>
        <translation>{name}을(를) 열었습니다</translation>
    </message>
</context>
<context>
    <name>Models</name>
    <message>
        <location filename="../../voxdesk/gui/training/form.py" line="+46"/>
        <source>default: a small conv net; scan-sized inputs (&gt;= 40 voxels a side) get strided convs to a ~12^3 map and a soft-maximum pool over it (a finding anywhere counts), small ones (16^3) a flattened map; batch norm in the deeper blocks, dropout</source>
        <translation>기본값: 작은 합성곱 신경망. 영상 크기의 입력(한 변 40 복셀 이상)은 스트라이드 합성곱으로 약 12^3 맵을 만든 뒤 소프트 최대 풀링(어느 위치의 소견이든 반영), 작은 입력(16^3)은 평탄화한 맵; 깊은 블록에 배치 정규화, 드롭아웃</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the 3D MNIST tutorial network exactly (2 conv + max-pool, dense 256), for comparison; overfits</source>
        <translation>3D MNIST 튜토리얼 신경망 그대로 (합성곱 2 + 최대 풀링, 완전연결 256), 비교용; 과적합됨</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a small residual network (4 stages, strided) for larger inputs, 64^3 and up</source>
        <translation>큰 입력(64^3 이상)용 작은 잔차 신경망 (4단계, 스트라이드)</translation>
    </message>
</context>
<context>
    <name>OrthoView</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/views/ortho_view.py" line="+16"/>
        <source>2 x 2 (three slices + 3D)</source>
        <translation>2 x 2 (단면 3개 + 3D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One large + three small</source>
        <translation>큰 뷰 하나 + 작은 뷰 셋</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Axial only</source>
        <translation>축상면만</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coronal only</source>
        <translation>관상면만</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sagittal only</source>
        <translation>시상면만</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>3D only</source>
        <translation>3D만</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>3D view: open a volume</source>
        <translation>3D 뷰: 영상을 여십시오</translation>
    </message>
</context>
<context>
    <name>Project</name>
    <message>
        <location filename="../../voxdesk/gui/project.py" line="+115"/>
        <source>Files not found</source>
        <translation>파일을 찾을 수 없음</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The project names files that are not there (moved or deleted?):</source>
        <translation>프로젝트에 있는 파일 중 찾을 수 없는 파일이 있습니다 (이동 또는 삭제?):</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Save &amp;Project…</source>
        <translation>프로젝트 저장(&amp;P)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The open scan, dataset, training settings, model and layout, as relative paths</source>
        <translation>열린 영상, 데이터셋, 학습 설정, 모델, 화면 배치를 상대 경로로 저장합니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open Pro&amp;ject…</source>
        <translation>프로젝트 열기(&amp;J)…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open Project</source>
        <translation>프로젝트 열기</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Training in progress</source>
        <translation>학습 진행 중</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop training before opening a project.</source>
        <translation>프로젝트를 열기 전에 학습을 중지하십시오.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cannot open the project</source>
        <translation>프로젝트를 열 수 없습니다</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opened project {name}</source>
        <translation>프로젝트 {name}을(를) 열었습니다</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save Project</source>
        <translation>프로젝트 저장</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cannot save the project</source>
        <translation>프로젝트를 저장할 수 없습니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Project saved to {path}</source>
        <translation>프로젝트를 {path}에 저장했습니다</translation>
    </message>
</context>
<context>
    <name>Readout</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/readout.py" line="+24"/>
        <source>voxel ({i}, {j}, {k})   world ({x}, {y}, {z}) mm   value {value}</source>
        <translation>복셀 ({i}, {j}, {k})   좌표 ({x}, {y}, {z}) mm   값 {value}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>   overlay {value}</source>
        <translation>   오버레이 {value}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Voxel index (i, j, k), counted from 0 like the slice numbers in the views; world position in mm, and the value there (under the mouse, else at the cursor)</source>
        <translation>복셀 번호 (i, j, k)는 뷰의 슬라이스 번호처럼 0부터 셉니다. mm 단위의 좌표와 그 위치의 값 (마우스 아래, 없으면 커서 위치)</translation>
    </message>
</context>
<context>
    <name>Results</name>
    <message>
        <location filename="../../voxdesk/gui/training/results_view.py" line="+40"/>
        <location line="+192"/>
        <source>n/a</source>
        <translation>없음</translation>
    </message>
    <message>
        <location line="-188"/>
        <source>  (95% CI {low}–{high})</source>
        <translation>  (95% 신뢰구간 {low}–{high})</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>predicted</source>
        <translation>예측</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>true</source>
        <translation>실제</translation>
    </message>
    <message>
        <location line="+62"/>
        <location line="+73"/>
        <source>Train a model to see its test-split results here.</source>
        <translation>모델을 학습하면 테스트 세트 결과가 여기에 표시됩니다.</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>precision</source>
        <translation>정밀도</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recall (95% CI)</source>
        <translation>재현율 (95% 신뢰구간)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>support</source>
        <translation>증례 수</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>false positive rate</source>
        <translation>위양성률</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>true positive rate</source>
        <translation>민감도</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>confidence</source>
        <translation>신뢰도</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+74"/>
        <source>accuracy</source>
        <translation>정확도</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>share kept</source>
        <translation>유지 비율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>accuracy on the kept</source>
        <translation>유지한 증례의 정확도</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accuracy on the cases kept when the least confident are referred to a human (most confident first); the dashed line: the model&apos;s referral threshold</source>
        <translation>신뢰도가 가장 낮은 증례를 전문의에게 의뢰했을 때 남은 증례의 정확도 (신뢰도 높은 순). 점선: 모델의 판독 의뢰 기준</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>No test-split metrics: the dataset has no test split or training stopped before the first epoch ended.</source>
        <translation>테스트 세트 지표 없음: 데이터셋에 테스트 세트가 없거나 첫 에포크가 끝나기 전에 학습이 중단되었습니다.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  (before temperature scaling, T = {t}: {ece})</source>
        <translation>  (온도 스케일링 전, T = {t}: {ece})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>test samples</source>
        <translation>테스트 샘플</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>balanced accuracy</source>
        <translation>균형 정확도</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>macro F1</source>
        <translation>매크로 F1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (macro, one-vs-rest)</source>
        <translation> (매크로, 일대다)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>calibration error (ECE)</source>
        <translation>보정 오차 (ECE)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Brier score / log loss</source>
        <translation>Brier 점수 / 로그 손실</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>note: {text}</source>
        <translation>참고: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>WARNING: {text}</source>
        <translation>경고: {text}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>ROC (positive: {name}, AUC {auc})</source>
        <translation>ROC (양성: {name}, AUC {auc})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>reliability (per confidence bin)</source>
        <translation>신뢰도 보정도 (신뢰도 구간별)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>coverage: {n} referred</source>
        <translation>유지 곡선: {n}건 의뢰</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>coverage</source>
        <translation>유지 곡선</translation>
    </message>
</context>
<context>
    <name>Section</name>
    <message>
        <location filename="../../voxdesk/gui/infra/section.py" line="+46"/>
        <source>Click to fold away</source>
        <translation>클릭하여 접기</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Click to show</source>
        <translation>클릭하여 펼치기</translation>
    </message>
</context>
<context>
    <name>SliceView</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/views/slice_view.py" line="+31"/>
        <source>Slice numbers and the status-bar voxel (i, j, k) count from 0, as in NumPy and voxdesk-cli --cursor</source>
        <translation>슬라이스 번호와 상태 표시줄의 복셀 (i, j, k)는 NumPy와 voxdesk-cli --cursor처럼 0부터 셉니다</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Axial</source>
        <translation>축상면</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Coronal</source>
        <translation>관상면</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sagittal</source>
        <translation>시상면</translation>
    </message>
    <message>
        <location line="+147"/>
        <source>Orientation not stored in the file: letters are assumed (RAS).</source>
        <translation>파일에 방향 정보가 없습니다: 방향 문자는 가정값(RAS)입니다.</translation>
    </message>
</context>
<context>
    <name>Splits</name>
    <message>
        <location filename="../../voxdesk/gui/infra/i18n.py" line="-87"/>
        <source>train</source>
        <translation>학습</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>val</source>
        <translation>검증</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>test</source>
        <translation>테스트</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>all</source>
        <translation>전체</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>total</source>
        <translation>합계</translation>
    </message>
</context>
<context>
    <name>TfRuntime</name>
    <message>
        <location filename="../../voxdesk/gui/infra/tf_runtime.py" line="+96"/>
        <source>TensorFlow cannot be loaded beside the 3D view&apos;s OpenGL in this session (it would crash the app). Restart VoxDesk, or use &apos;voxdesk-cli train&apos; / &apos;voxdesk-cli classify&apos;.</source>
        <translation>이 세션에서는 3D 뷰의 OpenGL과 함께 TensorFlow를 불러올 수 없습니다 (앱이 비정상 종료됩니다). VoxDesk를 다시 시작하거나 &apos;voxdesk-cli train&apos; / &apos;voxdesk-cli classify&apos;를 사용하십시오.</translation>
    </message>
</context>
<context>
    <name>TrainForm</name>
    <message>
        <location filename="../../voxdesk/gui/training/form.py" line="+3"/>
        <location line="+52"/>
        <location line="+6"/>
        <location line="+21"/>
        <source>auto</source>
        <translation>자동</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on</source>
        <translation>켜기</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>off</source>
        <translation>끄기</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>the dataset&apos;s shape</source>
        <translation>데이터셋의 형태</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resample every sample to this size: 32 (a cube) or 32x32x32. Empty: keep the shape.</source>
        <translation>모든 샘플을 이 크기로 재표본화합니다: 32(정육면체) 또는 32x32x32. 비워 두면 형태를 유지합니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>none: resize to the input size</source>
        <translation>없음: 입력 크기로 크기 조정</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resample every scan to this voxel size in mm before cropping or padding it to the input size: 1.5 (every axis) or 0.8,0.8,2. One voxel is then the same size in every scan. Needs files that record their spacing (NIfTI, DICOM). Empty: no millimetres.</source>
        <translation>입력 크기로 자르거나 채우기 전에 모든 영상을 이 복셀 크기(mm)로 재표본화합니다: 1.5 (모든 축) 또는 0.8,0.8,2. 그러면 모든 영상에서 복셀 하나의 크기가 같아집니다. 간격을 기록한 파일(NIfTI, DICOM)이 필요합니다. 비워 두면 mm를 쓰지 않습니다.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>auto: enough epochs for at least {steps} optimiser steps ({scan} for scans of 40 voxels a side or more) and at least {epochs} epochs ({aug} with augmentation), with warm-up and cosine decay</source>
        <translation>자동: 최적화 단계 {steps}회 이상(한 변이 40 복셀 이상인 영상은 {scan}회 이상), 최소 {epochs} 에포크(데이터 증강을 쓰면 {aug} 에포크)가 되도록 에포크 수를 정하고, 워밍업과 코사인 감쇠를 적용합니다</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>auto: 16 for fewer than {n} training samples, else 32; at most {mv} Mi voxels a batch (256³ scans: 4)</source>
        <translation>자동: 학습 표본이 {n}개 미만이면 16, 아니면 32. 배치당 최대 {mv} Mi 복셀 (256³ 영상: 4)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Held out of the training split for model selection when the dataset has no validation split.</source>
        <translation>데이터셋에 검증 세트가 없을 때 모델 선택을 위해 학습 세트에서 떼어 두는 비율입니다.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>balance classes</source>
        <translation>클래스 균형 맞추기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weight the loss by inverse class frequency (for imbalanced data)</source>
        <translation>클래스 빈도의 역수로 손실에 가중치를 줍니다 (불균형 데이터용)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>float32</source>
        <translation>float32</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bfloat16 (mixed)</source>
        <translation>bfloat16 (혼합)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>auto: float16 mixed precision on a GPU, float32 on a CPU. bfloat16 mixed trains faster from 32^3 voxels on a CPU with bfloat16 instructions but was less accurate on the CT demo. The saved model predicts in float32 either way.</source>
        <translation>자동: GPU에서는 float16 혼합 정밀도, CPU에서는 float32. bfloat16 혼합은 bfloat16 명령을 지원하는 CPU에서 32^3 복셀부터 더 빨리 학습하지만 CT 데모에서 정확도가 낮았습니다. 저장된 모델은 어느 경우든 float32로 예측합니다.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Accuracy the cases the model keeps must reach. After training, the confidence threshold that reaches it on the validation split (with {conf} confidence) is stored in the model; less confident cases say &quot;refer to a human&quot;.</source>
        <translation>모델이 유지하는 증례가 도달해야 하는 정확도입니다. 학습 후 검증 분할에서 이 정확도에 도달하는 신뢰도 임계값({conf} 신뢰 수준)이 모델에 저장되며, 그보다 신뢰도가 낮은 증례는 &quot;사람에게 의뢰&quot;로 표시됩니다.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>auto: off below {n} training samples (measured: it slows learning on small datasets more than it helps), on from there</source>
        <translation>자동: 학습 샘플 {n}개 미만에서는 끄기 (측정 결과 작은 데이터셋에서는 도움보다 학습 지연이 큼), 그 이상에서는 켜기</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Augmentation</source>
        <translation>데이터 증강</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>random flips</source>
        <translation>무작위 뒤집기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mirror training scans: a lesion mirrored is still a lesion</source>
        <translation>학습 영상을 좌우 반전합니다: 반전된 병변도 병변입니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>left/right matters (no left-right flips)</source>
        <translation>좌우 구분 중요 (좌우 뒤집기 안 함)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tick when the class depends on the side (e.g. left vs right hemisphere); stored in the model bundle</source>
        <translation>클래스가 좌우에 따라 다를 때 선택하십시오 (예: 좌반구와 우반구). 모델 번들에 저장됩니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>90° rotations</source>
        <translation>90° 회전</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>mode</source>
        <translation>모드</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>rotation up to</source>
        <translation>최대 회전</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>shift (fraction)</source>
        <translation>이동 (비율)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>intensity jitter</source>
        <translation>밝기 변동</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>noise (std)</source>
        <translation>잡음 (표준편차)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Input size</source>
        <translation>입력 크기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Voxel spacing (mm)</source>
        <translation>복셀 간격 (mm)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Epochs</source>
        <translation>에포크</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>배치 크기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Learning rate</source>
        <translation>학습률</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Validation fraction</source>
        <translation>검증 비율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Normalisation</source>
        <translation>정규화</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Class weights</source>
        <translation>클래스 가중치</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Precision</source>
        <translation>정밀도</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kept-case accuracy</source>
        <translation>유지 증례 정확도</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>required: shapes differ</source>
        <translation>필수: 샘플 형태가 서로 다름</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>larger than the {n} training samples: one batch per epoch</source>
        <translation>학습 샘플 {n}개보다 큼: 에포크당 배치 하나</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>a number between 0 and 1, e.g. 0.001</source>
        <translation>0과 1 사이의 숫자, 예: 0.001</translation>
    </message>
</context>
<context>
    <name>TrainPanel</name>
    <message>
        <location filename="../../voxdesk/gui/training/panel.py" line="+75"/>
        <source>Train</source>
        <translation>학습</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train the chosen model on the open dataset (Ctrl+T)</source>
        <translation>선택한 모델을 열린 데이터셋으로 학습합니다 (Ctrl+T)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop at the end of the current batch; the best model so far is kept</source>
        <translation>현재 배치가 끝나면 중지합니다. 지금까지의 최적 모델은 유지됩니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save Model…</source>
        <translation>모델 저장…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History CSV…</source>
        <translation>기록 CSV…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Curves PNG…</source>
        <translation>곡선 PNG…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Ready</source>
        <translation>준비</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+104"/>
        <source>Open a labelled dataset to train a model.</source>
        <translation>모델을 학습하려면 레이블이 있는 데이터셋을 여십시오.</translation>
    </message>
    <message>
        <location line="-98"/>
        <source>One line per epoch appears here.</source>
        <translation>에포크마다 한 줄씩 여기에 표시됩니다.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Curves</source>
        <translation>곡선</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Epoch log</source>
        <translation>에포크 기록</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Results</source>
        <translation>결과</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Fix the settings first: {problems}</source>
        <translation>먼저 설정을 고치십시오: {problems}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Choose the settings and press Train.</source>
        <translation>설정을 고르고 학습을 누르십시오.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Starting…</source>
        <translation>시작하는 중…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Starting TensorFlow and preparing the data…</source>
        <translation>TensorFlow를 시작하고 데이터를 준비하는 중…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Stopping at the end of the current batch; the best model so far is kept…</source>
        <translation>현재 배치가 끝나면 중지합니다. 지금까지의 최적 모델은 유지됩니다…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Training…</source>
        <translation>학습 중…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Epoch {epoch}/{epochs} · batch {batch}/{steps} · {rate} samples/s · ETA {eta}</source>
        <translation>에포크 {epoch}/{epochs} · 배치 {batch}/{steps} · 초당 {rate} 샘플 · 남은 시간 {eta}</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+4"/>
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Finished</source>
        <translation>완료</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{how} after {n} epoch(s)</source>
        <translation>{n} 에포크 후 {how}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> (early stopping)</source>
        <translation> (조기 종료)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the model holds the weights of epoch {n}</source>
        <translation>모델은 에포크 {n}의 가중치를 가집니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no epoch finished: no usable model</source>
        <translation>끝난 에포크가 없음: 쓸 수 있는 모델이 없습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{rate} samples/s. </source>
        <translation>초당 {rate} 샘플. </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{how}: {best}. </source>
        <translation>{how}: {best}. </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{model} · best epoch {best} of {n}</source>
        <translation>{model} · 최적 에포크 {best} / {n}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training failed: {message}</source>
        <translation>학습 실패: {message}</translation>
    </message>
</context>
<context>
    <name>TrainWorker</name>
    <message>
        <location filename="../../voxdesk/gui/training/worker.py" line="+80"/>
        <source>starting TensorFlow (the first run takes a few seconds)</source>
        <translation>TensorFlow 시작 중 (처음에는 몇 초 걸립니다)</translation>
    </message>
</context>
<context>
    <name>Training</name>
    <message>
        <location filename="../../voxdesk/gui/training/controller.py" line="-278"/>
        <location line="+15"/>
        <source>Training in progress</source>
        <translation>학습 진행 중</translation>
    </message>
    <message>
        <location line="-14"/>
        <location line="+15"/>
        <source>Stop training before opening another dataset.</source>
        <translation>다른 데이터셋을 열기 전에 학습을 중지하십시오.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Cannot open dataset</source>
        <translation>데이터셋을 열 수 없습니다</translation>
    </message>
    <message>
        <location line="+24"/>
        <location filename="../../voxdesk/gui/training/crossval_gui.py" line="-88"/>
        <source>Invalid settings</source>
        <translation>잘못된 설정</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Stopped before training began; no model.</source>
        <translation>학습이 시작되기 전에 중지됨; 모델 없음.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Training failed</source>
        <translation>학습 실패</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Save Model</source>
        <translation>모델 저장</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Saving the model to {name}…</source>
        <translation>모델을 {name}에 저장하는 중…</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+1"/>
        <source>Model saved to {path}</source>
        <translation>모델을 {path}에 저장했습니다</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The model was not saved.</source>
        <translation>모델을 저장하지 않았습니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot save the model</source>
        <translation>모델을 저장할 수 없습니다</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Export History</source>
        <translation>기록 내보내기</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot export the history</source>
        <translation>기록을 내보낼 수 없습니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>History exported to {path}</source>
        <translation>기록을 {path}(으)로 내보냈습니다</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export Curves</source>
        <translation>곡선 내보내기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 이미지 (*.png)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot export the curves</source>
        <translation>곡선을 내보낼 수 없습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>could not write {path}</source>
        <translation>{path}에 쓸 수 없습니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Curves exported to {path}</source>
        <translation>곡선을 {path}(으)로 내보냈습니다</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Dataset</source>
        <translation>데이터셋</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training</source>
        <translation>학습</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open &amp;Dataset…</source>
        <translation>데이터셋 열기(&amp;D)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open Dataset &amp;Folder…</source>
        <translation>데이터셋 폴더 열기(&amp;F)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open De&amp;mo Dataset</source>
        <translation>데모 데이터셋 열기(&amp;M)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The built-in CT phantoms (cyst / normal / tumour) with fixed train/val/test splits</source>
        <translation>학습/검증/테스트 세트가 정해진 내장 CT 팬텀 (낭종 / 정상 / 종양)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Train</source>
        <translation>학습(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Start Training</source>
        <translation>학습 시작(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;top Training</source>
        <translation>학습 중지(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Cross-validate…</source>
        <translation>교차 검증(&amp;C)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>K-fold cross-validation of these settings on the open dataset: mean and 95% interval</source>
        <translation>열린 데이터셋에서 이 설정으로 K-폴드 교차 검증: 평균과 95% 구간</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Save Model…</source>
        <translation>모델 저장(&amp;S)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export &amp;History CSV…</source>
        <translation>기록 CSV 내보내기(&amp;H)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export &amp;Curves PNG…</source>
        <translation>곡선 PNG 내보내기(&amp;C)…</translation>
    </message>
</context>
<context>
    <name>Unsaved</name>
    <message>
        <location filename="../../voxdesk/gui/training/unsaved.py" line="+16"/>
        <source>closing VoxDesk</source>
        <translation>VoxDesk 닫기</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>opening another dataset</source>
        <translation>다른 데이터셋 열기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training a new model</source>
        <translation>새 모델 학습</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>opening a project</source>
        <translation>프로젝트 열기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>saving the project</source>
        <translation>프로젝트 저장</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Unsaved model</source>
        <translation>저장하지 않은 모델</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model trained in this session has not been saved.

Save it before {doing}?</source>
        <translation>이 세션에서 학습한 모델을 저장하지 않았습니다.

{doing} 전에 저장하시겠습니까?</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Discard loses the model, its curves and its results.</source>
        <translation>버리면 모델과 곡선, 결과가 모두 사라집니다.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Training in progress</source>
        <translation>학습 진행 중</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A model is being trained. Stop training and close?

Training stops at the end of the current batch; the model is not saved.</source>
        <translation>모델을 학습하는 중입니다. 학습을 중지하고 닫을까요?

학습은 현재 배치가 끝나면 중지되며, 모델은 저장되지 않습니다.</translation>
    </message>
</context>
<context>
    <name>VolumeControls</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/views/volume_controls.py" line="+90"/>
        <source>Volume</source>
        <translation>볼륨</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Surface</source>
        <translation>표면</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Slices</source>
        <translation>단면</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Textured slice planes at the cursor (clearest with Volume off)</source>
        <translation>커서 위치의 단면 영상 (볼륨을 끄면 가장 선명함)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Surface level, in the volume&apos;s units (tick Surface to use it)</source>
        <translation>표면 수준, 영상의 값 단위 (표면을 선택해야 사용)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The surface level: the value the surface is drawn at</source>
        <translation>표면 수준: 표면을 그리는 값</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Level</source>
        <translation>수준</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reset</source>
        <translation>초기화</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reset the camera: the whole volume, from the front-right (also View &gt; Reset Views)</source>
        <translation>카메라 초기화: 오른쪽 앞에서 본 영상 전체 (보기 &gt; 뷰 초기화와 같음)</translation>
    </message>
</context>
<context>
    <name>VolumeView</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/views/volume_view.py" line="+46"/>
        <source>The 3D view needs OpenGL, which the &apos;{platform}&apos; display does not provide.</source>
        <translation>3D 뷰에는 OpenGL이 필요하지만 &apos;{platform}&apos; 디스플레이는 이를 제공하지 않습니다.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The 3D view needs PyOpenGL ({error}).</source>
        <translation>3D 뷰에는 PyOpenGL이 필요합니다 ({error}).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The 3D view could not create an OpenGL context.</source>
        <translation>3D 뷰가 OpenGL 컨텍스트를 만들 수 없습니다.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The 3D view could not use OpenGL on this display.</source>
        <translation>3D 뷰가 이 디스플레이에서 OpenGL을 사용할 수 없습니다.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The 3D view failed to start ({error}).</source>
        <translation>3D 뷰를 시작하지 못했습니다 ({error}).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The slice views work as usual.</source>
        <translation>단면 뷰는 평소대로 작동합니다.</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <location filename="../../voxdesk/gui/viewer/welcome.py" line="+16"/>
        <source>Look at a scan</source>
        <translation>영상 보기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A CT phantom with a liver tumour, in three linked slice views and 3D.</source>
        <translation>간 종양이 있는 CT 팬텀을 연동된 세 단면 뷰와 3D로 봅니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the demo dataset</source>
        <translation>데모 데이터셋 열기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Labelled CT phantoms (cyst, normal, tumour) with fixed train / validation / test splits.</source>
        <translation>학습 / 검증 / 테스트 세트가 정해진, 레이블이 있는 CT 팬텀 (낭종, 정상, 종양).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Train</source>
        <translation>학습하기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Press &lt;b&gt;Train&lt;/b&gt; in the Training dock. The defaults are made for a few hundred scans (about two minutes here); loss and accuracy curves show live.</source>
        <translation>학습 도크에서 &lt;b&gt;학습&lt;/b&gt;을 누르십시오. 기본 설정은 영상 수백 건에 맞춰져 있으며 (이 컴퓨터에서 약 2분), 손실과 정확도 곡선이 실시간으로 표시됩니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Classify and explain</source>
        <translation>분류와 설명</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a test case from the Dataset dock, press &lt;b&gt;Classify&lt;/b&gt;, then &lt;b&gt;Explain&lt;/b&gt;: the heat map shows what the model looked at.</source>
        <translation>데이터셋 도크에서 테스트 증례를 열고 &lt;b&gt;분류&lt;/b&gt;, 이어서 &lt;b&gt;설명&lt;/b&gt;을 누르십시오: 히트맵이 모델이 본 곳을 보여 줍니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep it</source>
        <translation>저장하기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Train &amp;gt; Save Model…&lt;/b&gt; writes a bundle; &lt;b&gt;File &amp;gt; Save Project…&lt;/b&gt; reopens all of it later.</source>
        <translation>&lt;b&gt;학습 &amp;gt; 모델 저장…&lt;/b&gt;은 모델 번들을 저장하고, &lt;b&gt;파일 &amp;gt; 프로젝트 저장…&lt;/b&gt;은 나중에 모든 것을 다시 엽니다.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Open a 3D scan ({formats})
or drop a file or a dataset folder anywhere on this window.</source>
        <translation>3D 영상({formats})을 열거나
파일 또는 데이터셋 폴더를 이 창 아무 곳에나 끌어다 놓으십시오.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>, DICOM folders</source>
        <translation>, DICOM 폴더</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Your first hour</source>
        <translation>처음 한 시간</translation>
    </message>
</context>
</TS>
